/** What a destination container needs after a run (§12): `slim` after computed fields, `full` after a created or updated computed table or file. */
export interface ProfileRequest {
  readonly containerId: number;
  readonly depth: 'slim' | 'full';
}

/**
 * The optional Profiler port: told, once an operation has finished (in any result), which destination
 * containers need a profile. It MUST NOT write to the world through the engine. A rejection is
 * reported in the operation's `message` and does not change its result.
 */
export interface Profiler {
  requestProfiles(operationId: number, requests: readonly ProfileRequest[]): Promise<void>;
}
