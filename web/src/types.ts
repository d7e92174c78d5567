/** The API's documents as the dashboard reads them (docs/API.md); only the fields it shows. */
export type VolumeStatus = 'in-use' | 'idle' | 'dangling';

export interface VolumeUser {
  id: string;
  name: string;
  image: string;
  destination: string;
  readOnly: boolean;
  running: boolean;
}

export interface Volume {
  name: string;
  driver: string;
  scope: string;
  mountpoint: string;
  createdAt: string | null;
  labels: Record<string, string>;
  options: Record<string, string>;
  anonymous: boolean;
  composeProject: string | null;
  status: VolumeStatus;
  protected: boolean;
  sizeBytes: number | null;
  containers: VolumeUser[];
}

export interface VolumeDetails extends Volume {
  driverStatus: Record<string, unknown> | null;
  createdBy: { container?: string; image?: string; destination?: string } | null;
}

export interface VolumeActivity {
  name: string;
  lastUsedAt: string | null;
  certainty: 'known' | 'unknown' | null;
  backups: number;
  lastBackupAt: string | null;
  lastBackupId: number | null;
  lastBackupVerify: 'ok' | 'failed' | null;
}

export interface Backup {
  id: number;
  volume: string;
  target: string;
  compression: string;
  startedAt: string | null;
  finishedAt: string;
  files: number | null;
  bytes: number | null;
  archiveBytes: number;
  verifiedAt: string | null;
  verifyStatus: 'ok' | 'failed' | null;
  verifyError: string | null;
}

export interface JobProgress {
  bytes: number;
  entries: number;
  expectedBytes: number | null;
}

export interface Job {
  id: string;
  kind: string;
  subject: string;
  state: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: JobProgress | null;
  result: Record<string, unknown> | null;
  error: { kind: string; message: string; hint: string | null } | null;
}

export interface HistoryEvent {
  at: string;
  action: string;
  containerName: string | null;
  image: string | null;
  destination: string | null;
  readOnly: boolean | null;
  source: 'event' | 'reconcile';
}

export interface VolumeHistory {
  volume: string;
  exists: boolean;
  createdAt: string | null;
  firstSeenAt: string | null;
  lastMountedAt: string | null;
  lastUsedAt: string | null;
  idleForMs: number | null;
  certainty: 'known' | 'unknown' | null;
  inUse: boolean | null;
  firstUser: { containerName?: string | null; image?: string | null } | null;
  events: HistoryEvent[];
  gaps: { from: string | null; to: string; reason: string }[];
}

export interface MountRow {
  container: string;
  containerId: string;
  running: boolean;
  type: string;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface CostLine {
  name: string;
  category: 'orphan' | 'dangling' | 'idle';
  anonymous: boolean;
  protected: boolean;
  sizeBytes: number | null;
  monthlyCost: number | null;
  lastUsedAt: string | null;
  unusedForMs: number | null;
  certainty: 'known' | 'unknown' | null;
}

export interface CostTotal {
  volumes: number;
  bytes: number;
  monthlyCost: number;
  unknownSizes: number;
}

export interface CostEstimate {
  pricePerGbMonth: number;
  volumes: CostLine[];
  byCategory: Record<'orphan' | 'dangling' | 'idle', CostTotal>;
  total: CostTotal;
}

export interface PrunePlan {
  id: string;
  createdAt: string;
  expiresAt: string;
  remove: { name: string; anonymous: boolean; sizeBytes: number | null }[];
  skipped: { name: string; reason: string; detail?: string }[];
  reclaimableBytes: number;
  unknownSizes: number;
}

export interface PruneApplied {
  planId: string;
  removed: { name: string; sizeBytes: number | null }[];
  notRemoved: { name: string; reason: string }[];
  reclaimedBytes: number;
}

export interface Schedule {
  name: string;
  source: string;
  cron: string;
  volumes: string[];
  label: string | null;
  project: string | null;
  keep: string | null;
  target: string | null;
  nextFire: string | null;
  lastFire: string | null;
  lastSuccess: string | null;
  lastRun: { result: string | null; startedAt: string; error?: string | null } | null;
  late: string | null;
}

export interface Run {
  id: number;
  schedule: string;
  volume: string | null;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  bytes: number | null;
  result: 'success' | 'failed' | 'interrupted' | null;
  error: string | null;
}

export interface Finding {
  check: string;
  /** One finding per kind of problem: `subjects` lists every volume, container or folder it concerns. */
  kind: string;
  severity: 'critical' | 'warning' | 'info';
  /** The subjects summarised ("300 volumes: a, b, c and 297 more"). */
  subject: string;
  subjects: string[];
  message: string;
  fix: string;
}

export interface DoctorReport {
  checkedAt: string;
  engine: { endpoint: string; id: string };
  findings: Finding[];
  summary: Record<'critical' | 'warning' | 'info', number>;
  skipped: { check: string; reason: string }[];
}

export interface EngineInfo {
  id: string;
  name: string;
  serverVersion: string;
  apiVersion: string;
  os: string;
}
