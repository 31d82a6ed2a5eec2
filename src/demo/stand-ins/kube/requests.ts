/**
 * What the stand-in remembers of each request, and the scripts a test sets up to answer some of
 * them otherwise (fail, delay, a concurrent writer, an answer lost).
 */
import type { ApiError } from './errors.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/namespaces/prompts/services/prompt-service`. */
  path: string;
  query: Record<string, string>;
  /** Media type of the request body without parameters, e.g. `application/merge-patch+json`. */
  contentType: string | undefined;
  /** The parsed JSON body (undefined without a body). */
  body: unknown;
  /** The status code answered (filled in once the answer is sent). */
  status: number;
}

export type RequestMatcher =
  { method?: string; path?: string | RegExp; contentType?: string } | ((r: RecordedRequest) => boolean);

export function matches(m: RequestMatcher, r: RecordedRequest): boolean {
  if (typeof m === 'function') return m(r);
  if (m.method && m.method.toUpperCase() !== r.method) return false;
  if (m.contentType && m.contentType !== r.contentType) return false;
  if (typeof m.path === 'string' && m.path !== r.path) return false;
  if (m.path instanceof RegExp && !m.path.test(r.path)) return false;
  return true;
}

export interface Script {
  matcher: RequestMatcher;
  times: number;
  apply: (r: RecordedRequest) => Promise<ApiError | void>;
}
