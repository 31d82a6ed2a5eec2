/**
 * SelfSubjectAccessReviews (`POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`): "may I
 * do this?" answered for the caller. The stand-in allows everything except what a test denies,
 * and remembers every question, so a test can check exactly what was asked. Nothing is stored: a
 * review is a question, like on the API server.
 */
import { ApiError } from './errors.ts';
import type { RecordedRequest } from './requests.ts';

export const ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** What a review asks about (`spec.resourceAttributes`); '' is the core group. */
export interface ReviewedAccess {
  namespace: string;
  group: string;
  resource: string;
  subresource: string;
  verb: string;
  /** The one object asked about (a review's resourceAttributes.name), when the question names one. */
  name?: string;
}

/** A denial: every field given must match; a field left out matches anything. */
export type AccessDenial = Partial<ReviewedAccess> & { reason?: string };

export class AccessReviews {
  /** Every review asked, in arrival order, with the answer given. */
  readonly asked: Array<ReviewedAccess & { allowed: boolean }> = [];
  private readonly denials: AccessDenial[] = [];

  deny(denial: AccessDenial): void {
    this.denials.push(denial);
  }

  /** The answer to a review request; undefined for any other request. */
  answer(r: RecordedRequest): [number, unknown] | undefined {
    if (r.path !== ACCESS_REVIEW_PATH) return undefined;
    if (r.method !== 'POST') throw new ApiError(405, `method ${r.method} is not allowed on selfsubjectaccessreviews`);
    const body = r.body as { kind?: unknown; spec?: { resourceAttributes?: Record<string, unknown> } } | undefined;
    const attributes = body?.spec?.resourceAttributes;
    if (body?.kind !== 'SelfSubjectAccessReview' || !attributes)
      throw new ApiError(400, 'a SelfSubjectAccessReview with spec.resourceAttributes is expected');
    const text = (key: string) => (typeof attributes[key] === 'string' ? (attributes[key] as string) : '');
    const access: ReviewedAccess = {
      namespace: text('namespace'),
      group: text('group'),
      resource: text('resource'),
      subresource: text('subresource'),
      verb: text('verb'),
      ...(text('name') ? { name: text('name') } : {}),
    };
    const denial = this.denials.find((d) =>
      (['namespace', 'group', 'resource', 'subresource', 'verb', 'name'] as const).every(
        (k) => d[k] === undefined || d[k] === access[k],
      ),
    );
    this.asked.push({ ...access, allowed: !denial });
    return [
      201,
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: body.spec,
        status: denial ? { allowed: false, ...(denial.reason ? { reason: denial.reason } : {}) } : { allowed: true },
      },
    ];
  }
}
