/**
 * The Content-Type of each kind of PATCH body, as the API server names them (the client library's
 * PatchStrategy values). Spelled out here so the router modules, which config loads for their
 * settings and traits, need nothing of the client library at load time.
 */
export const PATCH_CONTENT_TYPES = {
  /** A list of operations (`test`, `replace`), applied in order; a failed `test` refuses the whole patch. */
  json: 'application/json-patch+json',
  /** The keys given replace those of the object; custom resources accept it. */
  merge: 'application/merge-patch+json',
  /** Merged by field metadata (lists by key); built-in kinds only, a custom resource answers 415. */
  strategicMerge: 'application/strategic-merge-patch+json',
} as const;
