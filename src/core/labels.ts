/** Label keys Stowage reads or writes; one meaning everywhere (see the glossary in docs/ARCHITECTURE.md). */
export const LABELS = {
  /** Marks a container Stowage created to move data; never counted as a user, never listed. */
  helper: 'stowage.helper',
  /** `host:pid` of the Stowage process that created a helper, to tell a live run's helper from a leftover. */
  helperOwner: 'stowage.helper.owner',
  /** A volume Stowage creates for a moment (restore tests) and removes. */
  scratch: 'stowage.scratch',
  /** `stowage.protect=true` on a volume: never pruned. */
  protect: 'stowage.protect',
  /** Set by engines from 23.0 on anonymous volumes (not always: see isAnonymous). */
  anonymous: 'com.docker.volume.anonymous',
  composeProject: 'com.docker.compose.project',
} as const;
