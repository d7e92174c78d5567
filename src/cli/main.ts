/**
 * The CLI's table of contents: every command and its flags, declared here; each is implemented in its
 * own module under commands/, loaded only when that command runs (start-up stays fast).
 */
import { Argument, Command, Option } from 'commander';
import { escapeControlsInLines } from '../core/terminal-text.ts';
import { checkVolumeName } from '../core/volume-name.ts';
import { validateLocalVolume } from '../lifecycle/local-driver-options.ts';
import { CliSession, type GlobalOptions } from './session.ts';
import { runCli } from './run-cli.ts';
import { VERSION } from '../core/version.ts';
import type { BackupOptions } from './commands/backup.ts';
import type { BackupsOptions } from './commands/backups.ts';
import type { CostOptions } from './commands/cost.ts';
import type { CreateOptions } from './commands/create.ts';
import type { DaemonCommandOptions, DaemonInstallOptions } from './commands/daemon.ts';
import type { ForgetOptions } from './commands/forget.ts';
import type { LsOptions } from './commands/ls.ts';
import type { MountSpecOptions } from './commands/mount-spec.ts';
import type { MountsOptions } from './commands/mounts.ts';
import type { ProtectOptions } from './commands/protect.ts';
import type { MoveOptions, TransferOptions } from './commands/move.ts';
import type { PluginInstallOptions, PluginServeOptions } from './commands/plugin.ts';
import type { PruneOptions } from './commands/prune.ts';
import type { RestoreOptions } from './commands/restore.ts';
import type { RunsOptions } from './commands/schedules.ts';
import type { VerifyOptions } from './commands/verify.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const FORMAT_HELP =
  "print with a Go template, as docker's --format: '{{.Name}}', 'table {{.Name}}\\t{{.Size}}', 'json' (fields: docs/CLI.md)";

/**
 * Every volume name a user gives is checked here, by Docker's rule, while the command line is parsed:
 * before any session, engine call or file (exit 2 naming the name). `role` names it in the message.
 */
const volumeName =
  (role = 'volume') =>
  (value: string) =>
    checkVolumeName(value, role);

/** A command argument holding volume names (one, optional, or `...` many), checked as it is parsed. */
function volumeArgument(spec: string, description: string, role = 'volume'): Argument {
  const argument = new Argument(spec, description);
  if (!argument.variadic) return argument.argParser(volumeName(role));
  return argument.argParser((value: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    checkVolumeName(value, role),
  ]);
}

function buildProgram(sessionFor: (command: Command) => Promise<CliSession>): Command {
  const program = new Command('stowage')
    .description('Docker volumes made safe and visible: inventory, backup, restore, transfer, cleanup.')
    .version(VERSION, '-v, --version')
    .option(
      '-H, --host <url>',
      'engine to use: unix:///path, tcp://host:2376, ssh://user@host (default: DOCKER_HOST)',
    )
    .option('-c, --context <name>', 'Docker CLI context to use')
    .option(
      '--data-dir <dir>',
      'Stowage data folder (default: /var/lib/stowage as root, else ~/.local/share/stowage)',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Commander quotes what the user typed (`unknown option '…'`): its control characters too are escaped.
    .configureOutput({ writeErr: (text) => void process.stderr.write(escapeControlsInLines(text)) })
    .exitOverride();

  program
    .command('ls')
    .alias('list')
    .description('list volumes with driver, size, users, status and age')
    .option(
      '-f, --filter <key=value>',
      'docker filter: dangling=true|false, driver=, label=KEY[=VALUE], name= (repeatable)',
      collect,
    )
    .option('--unused', 'only volumes no running container uses (idle or dangling)')
    .option('--anonymous', 'only anonymous volumes')
    .option('--larger-than <size>', 'only volumes larger than SIZE (e.g. 1G, 500M)')
    .option('--older-than <duration>', 'only volumes created more than DURATION ago (e.g. 30d, 12h)')
    .addOption(
      new Option('--sort <key>', 'sort by')
        .choices(['name', 'size', 'created', 'containers', 'driver'])
        .default('name'),
    )
    .option('--no-size', 'do not measure sizes (fastest)')
    .option('-q, --quiet', 'only print volume names')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .option('--format <template>', FORMAT_HELP)
    .action(async (options: LsOptions, command: Command) =>
      (await import('./commands/ls.ts')).ls(await sessionFor(command), options),
    );

  program
    .command('inspect')
    .description('everything about volumes: engine details, users, creator of anonymous volumes')
    .addArgument(volumeArgument('<volume...>', 'volume names'))
    .option('--json', 'print JSON')
    .option('-f, --format <template>', FORMAT_HELP)
    .action(async (names: string[], options: { json?: boolean; format?: string }, command: Command) =>
      (await import('./commands/inspect.ts')).inspect(await sessionFor(command), names, options),
    );

  program
    .command('mounts')
    .description("every container's mounts: volumes, bind mounts and tmpfs")
    .option('--shared', 'only volumes mounted by two or more containers, and which of them write')
    .addOption(new Option('--type <type>', 'only mounts of this type').choices(['volume', 'bind', 'tmpfs']))
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .option('--format <template>', FORMAT_HELP)
    .action(async (options: MountsOptions, command: Command) =>
      (await import('./commands/mounts.ts')).mounts(await sessionFor(command), options),
    );

  program
    .command('create')
    .description('create a volume (like docker volume create, with --nfs and --cifs shorthands)')
    .addArgument(
      new Argument('[name]', 'volume name (generated when omitted)').argParser((name: string) => {
        // Docker's rule again, in the words `docker volume create` uses for it.
        validateLocalVolume(name, {});
        return checkVolumeName(name);
      }),
    )
    .option('-d, --driver <name>', 'volume driver', 'local')
    .option('-o, --opt <key=value>', 'driver option (repeatable)', collect)
    .option('-l, --label <key=value>', 'label (repeatable)', collect)
    .option('--nfs <addr:/path>', 'an NFS export, for the local driver')
    .option('--cifs <//server/share>', 'a CIFS/SMB share, for the local driver')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, options: CreateOptions, command: Command) =>
      (await import('./commands/create.ts')).create(await sessionFor(command), name, options),
    );

  program
    .command('rm')
    .alias('remove')
    .description('remove volumes; refuses, naming them, while containers reference a volume')
    .addArgument(volumeArgument('<volume...>', 'volume names'))
    .option('-f, --force', 'also remove protected volumes (never volumes in use)')
    .action(async (names: string[], options: { force?: boolean }, command: Command) =>
      (await import('./commands/rm.ts')).rm(await sessionFor(command), names, options),
    );

  program
    .command('prune')
    .description('remove dangling anonymous volumes (named too with --all); prints the plan unless --yes')
    .option('-a, --all', 'also remove dangling named volumes')
    .option(
      '-f, --filter <key=value>',
      'only volumes matching this docker filter (label=, driver=, name=)',
      collect,
    )
    .option('--older-than <duration>', 'only volumes created more than DURATION ago')
    .option(
      '--unused-for <duration>',
      "only volumes with no mount in the last DURATION, from the daemon's history (else their creation time)",
    )
    .option('-y, --yes', 'remove the volumes (the plan is recomputed first)')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (options: PruneOptions, command: Command) =>
      (await import('./commands/prune.ts')).prune(await sessionFor(command), options),
    );

  program
    .command('history')
    .description("a volume's recorded history: created, every mount and unmount, last use, gaps")
    .addArgument(volumeArgument('<volume>', 'volume name (also one that no longer exists)'))
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (volume: string, options: { json?: boolean }, command: Command) =>
      (await import('./commands/history.ts')).history(await sessionFor(command), volume, options),
    );

  program
    .command('cost')
    .description('estimated monthly cost of orphaned, dangling and idle volumes, per volume and in total')
    .option('--price-per-gb-month <price>', 'storage price per GB (10^9 bytes) and month', '0.10')
    .option(
      '-f, --filter <key=value>',
      'only volumes matching this docker filter (label=, driver=, name=)',
      collect,
    )
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (options: CostOptions, command: Command) =>
      (await import('./commands/cost.ts')).cost(await sessionFor(command), options),
    );

  program
    .command('protect')
    .description('mark volumes so prune never removes them (or --list the marks)')
    .addArgument(volumeArgument('[volume...]', 'volume names'))
    .option('--reason <text>', 'why, shown in listings')
    .option('--list', 'list protected volumes')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (names: string[], options: ProtectOptions, command: Command) =>
      (await import('./commands/protect.ts')).protect(await sessionFor(command), names, options),
    );

  program
    .command('unprotect')
    .description('remove protection marks')
    .addArgument(volumeArgument('<volume...>', 'volume names'))
    .action(async (names: string[], _options, command: Command) =>
      (await import('./commands/protect.ts')).unprotect(await sessionFor(command), names),
    );

  program
    .command('backup')
    .description(
      'back volumes up into compressed, checksummed archives (zstd, or gzip for plain `tar xzf`) and catalogue them; `stowage verify` re-reads one to mark it verified',
    )
    .addArgument(volumeArgument('[volume...]', 'volume names'))
    .option('--all', 'every volume')
    .option('-l, --label <key=value>', 'volumes with this label (repeatable)', collect)
    .option(
      '--to <dir>',
      'folder for the archives (default: backup.target in the config, else <data-dir>/backups)',
    )
    .option('--gzip', 'gzip instead of zstd, so plain `tar xzf` restores the archive anywhere')
    .option('--stop', 'stop the running containers that use the volume during the backup, and restart them')
    .option('--pause', 'pause them instead')
    .option(
      '--stop-timeout <seconds>',
      'with --stop: seconds each container gets to exit before it is killed (default 10); all are stopped at once',
    )
    .option('--concurrency <n>', 'volumes backed up at once')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (names: string[], options: BackupOptions, command: Command) =>
      (await import('./commands/backup.ts')).backup(await sessionFor(command), names, options),
    );

  program
    .command('restore')
    .description(
      'restore an archive (path or backup ID) into a new or empty volume, after checking all of it',
    )
    .argument('<archive>', 'archive file, or backup ID from `stowage backups`')
    .option(
      '--to <volume>',
      "volume to restore into (default: the archived volume's name)",
      volumeName('target volume'),
    )
    .option('-f, --force', 'replace a non-empty volume (its contents are backed up first)')
    .option(
      '--stop',
      'with --force: stop the running containers that use the volume during the restore, and start them again',
    )
    .option('--stop-timeout <seconds>', 'with --stop: seconds each container gets to exit (default 10)')
    .option('--path <path>', 'restore only this path of the archive (see `stowage ls-archive`)')
    .option('--allow-devices', 'restore device files too')
    .option('-d, --driver <name>', 'driver for a volume the restore creates')
    .option('-o, --opt <key=value>', 'driver option for a volume the restore creates (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (archive: string, options: RestoreOptions, command: Command) =>
      (await import('./commands/restore.ts')).restore(await sessionFor(command), archive, options),
    );

  program
    .command('verify')
    .description(
      'check an archive by every rule restore applies and every checksum; --restore-test also restores and compares it',
    )
    .argument('<archive>', 'archive file, or backup ID')
    .option('--restore-test', 'restore into a scratch volume, read it back and compare every file')
    .option('--allow-devices', 'accept device files, as `restore --allow-devices` does')
    .option('--json', 'print JSON')
    .action(async (archive: string, options: VerifyOptions, command: Command) =>
      (await import('./commands/verify.ts')).verify(await sessionFor(command), archive, options),
    );

  program
    .command('backups')
    .description('list backups from the catalog (--scan DIR registers the archives of a folder first)')
    .addArgument(volumeArgument('[volume]', 'only this volume'))
    .option('--scan <dir>', 'register the archives found in this folder (rebuilds a lost catalog)')
    .option(
      '--adopt',
      "claim for the current engine the backups made before Stowage told engines apart under its engine ID (only when they are this engine's)",
    )
    .option('-q, --quiet', 'only print backup IDs')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .option('--format <template>', FORMAT_HELP)
    .action(async (volume: string | undefined, options: BackupsOptions, command: Command) =>
      (await import('./commands/backups.ts')).backups(await sessionFor(command), volume, options),
    );

  program
    .command('completion')
    .description('print a shell completion script: source <(stowage completion bash)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string) =>
      (await import('./commands/complete.ts')).completion(program, shell, (text) =>
        process.stdout.write(text),
      ),
    );

  // The completion scripts' way to the engine's volume names: hidden, fast, silent when no engine answers.
  program
    .command('__complete', { hidden: true })
    .argument('<what>', 'volumes')
    .action(async (_what: string, _options, command: Command) =>
      (await import('./commands/complete.ts')).completeVolumes(() => sessionFor(command)),
    );

  program
    .command('schedules')
    .description('backup schedules (config file and volume labels) with next fire, last run and lateness')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      (await import('./commands/schedules.ts')).schedules(await sessionFor(command), options),
    );

  program
    .command('runs')
    .description('recorded runs of schedules, newest first: start, duration, result, bytes, error')
    .option('--schedule <name>', 'only this schedule')
    .option('--volume <name>', 'only this volume', volumeName())
    .option('--limit <n>', 'at most this many runs', '50')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (options: RunsOptions, command: Command) =>
      (await import('./commands/schedules.ts')).runs(await sessionFor(command), options),
    );

  program
    .command('run-now')
    .description('run a schedule now in this process (backup, verify, retention), as the daemon would')
    .argument('<schedule>', 'schedule name (`stowage schedules` lists them)')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) =>
      (await import('./commands/schedules.ts')).runNow(await sessionFor(command), name, options),
    );

  program
    .command('forget')
    .description(
      'remove old backups by a retention policy (never the newest good one); --dry-run shows what and why',
    )
    .addArgument(volumeArgument('[volume]', 'only this volume'))
    .requiredOption(
      '--keep <policy>',
      'keep=last:N,hourly:N,daily:N,weekly:N,monthly:N,yearly:N (each rule optional, at least one)',
    )
    .option('--dry-run', 'print what would be removed and what is kept, and why; remove nothing')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (volume: string | undefined, options: ForgetOptions, command: Command) =>
      (await import('./commands/forget.ts')).forget(await sessionFor(command), volume, options),
    );

  program
    .command('ls-archive')
    .description("list an archive's entries")
    .argument('<archive>', 'archive file, or backup ID')
    .option('--json', 'print JSON')
    .action(async (archive: string, options: { json?: boolean }, command: Command) =>
      (await import('./commands/ls-archive.ts')).lsArchive(await sessionFor(command), archive, options),
    );

  program
    .command('clone')
    .description('copy a volume into a new one on the same engine, verifying every file')
    .addArgument(volumeArgument('<source>', 'volume to copy', 'source volume'))
    .addArgument(volumeArgument('<destination>', 'new volume', 'destination volume'))
    .option('-d, --driver <name>', "driver of the new volume (default: the source's)")
    .option('-o, --opt <key=value>', 'driver option of the new volume (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (source: string, destination: string, options: MoveOptions, command: Command) =>
      (await import('./commands/move.ts')).clone(await sessionFor(command), source, destination, options),
    );

  program
    .command('rename')
    .description(
      'rename a volume: clone, verify, then remove the old name (refused while containers reference it)',
    )
    .addArgument(volumeArgument('<old>', 'current name'))
    .addArgument(volumeArgument('<new>', 'new name', 'new volume'))
    .option('--json', 'print JSON')
    .action(async (source: string, destination: string, options: MoveOptions, command: Command) =>
      (await import('./commands/move.ts')).rename(await sessionFor(command), source, destination, options),
    );

  program
    .command('transfer')
    .description('stream a volume to another engine, with no temporary file, verifying every file')
    .addArgument(volumeArgument('<volume>', 'volume to copy'))
    .requiredOption('--to-host <url>', 'destination engine: ssh://user@host, tcp://host:2376, unix:///path')
    .option(
      '--name <volume>',
      'name on the destination (default: the same)',
      volumeName('destination volume'),
    )
    .option('-d, --driver <name>', 'driver on the destination')
    .option('-o, --opt <key=value>', 'driver option on the destination (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (volume: string, options: TransferOptions, command: Command) =>
      (await import('./commands/move.ts')).transfer(await sessionFor(command), volume, options),
    );

  program
    .command('mount-spec')
    .description("check Docker's -v and --mount syntaxes")
    .command('check')
    .description('validate a -v spec (or --mount spec) as the engine would, and convert between them')
    .argument('[spec]', 'short syntax: [SOURCE:]TARGET[:OPTIONS]')
    .option('--mount <spec>', 'long syntax: type=volume,source=NAME,target=/path,...')
    .addOption(
      new Option('--to <syntax>', 'print the spec converted to this syntax').choices(['mount', 'volume']),
    )
    .option('--json', 'print JSON')
    .action(async (spec: string | undefined, options: MountSpecOptions, command: Command) => {
      const session = await sessionFor(command);
      const { mountSpecCheck } = await import('./commands/mount-spec.ts');
      await mountSpecCheck(spec, options, session.out, {
        probe: await session.hostProbe(),
        // Unknown (no engine) counts as missing: the mount would create the volume.
        volumeExists: (name) =>
          session
            .engine()
            .volumes.inspect(name)
            .then(
              () => true,
              () => false,
            ),
      });
    });

  const daemon = program
    .command('daemon')
    .description('run the daemon: the HTTP API (token-protected) and metrics, on loopback by default')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:7780')
    .action(async (options: DaemonCommandOptions, command: Command) =>
      (await import('./commands/daemon.ts')).daemon(await sessionFor(command), options),
    );

  daemon
    .command('install')
    .description('write a hardened systemd unit (stowage.service) that runs the daemon with this data folder')
    .option('--listen <host:port>', 'address the daemon listens on', '127.0.0.1:7780')
    .option('--unit-dir <dir>', 'where to write stowage.service', '/etc/systemd/system')
    .option('-f, --force', 'replace an existing unit with other content')
    .option('--print', 'print the unit instead of writing it')
    .option('--dry-run', 'same as --print')
    .option('--json', 'print JSON')
    .action(async (options: DaemonInstallOptions, command: Command) => {
      // Commander hands `--listen` after `install` to the parent `daemon`, which declares it too.
      const parent = command.parent;
      const listen =
        parent?.getOptionValueSource('listen') === 'cli'
          ? parent.opts<DaemonCommandOptions>().listen
          : options.listen;
      const { host, context } = command.optsWithGlobals<GlobalOptions>();
      return (await import('./commands/daemon.ts')).daemonInstall(await sessionFor(command), {
        ...options,
        listen,
        engine: { host, context },
      });
    });

  const plugin = program
    .command('plugin')
    .description('the Docker volume plugin: quotas, host paths, tmpfs and sshfs volumes (docs/PLUGIN.md)');

  plugin
    .command('serve')
    .description("speak Docker's volume plugin protocol on a unix socket; the driver's name is its base name")
    .option(
      '--socket <path>',
      'unix socket (outside /run/docker/plugins a spec file announces it)',
      '/run/docker/plugins/stowage.sock',
    )
    .option('--root <dir>', "the plugin's state and volumes (default: <data-dir>/plugin)")
    .option(
      '--forbid-path <dir>',
      'a host folder path volumes may not overlap, such as an engine data root (repeatable)',
      collect,
    )
    .action(async (options: PluginServeOptions, command: Command) =>
      (await import('./commands/plugin.ts')).pluginServe(await sessionFor(command), options),
    );

  plugin
    .command('install')
    .description('write systemd units: a socket that starts the plugin on demand, ready before dockerd')
    .option('--socket <path>', 'unix socket', '/run/docker/plugins/stowage.sock')
    .option('--root <dir>', "the plugin's state and volumes (default: <data-dir>/plugin)")
    .option(
      '--unit-dir <dir>',
      'where to write stowage-plugin.socket and stowage-plugin.service',
      '/etc/systemd/system',
    )
    .option('-f, --force', 'replace existing units with other content')
    .option('--print', 'print the units instead of writing them')
    .option('--dry-run', 'same as --print')
    .option('--json', 'print JSON')
    .action(async (options: PluginInstallOptions, command: Command) =>
      (await import('./commands/plugin.ts')).pluginInstall(await sessionFor(command), options),
    );

  plugin
    .command('ls')
    .description("the plugin's volumes from its state: type, mounts, backup policy")
    .option('--root <dir>', "the plugin's state and volumes (default: <data-dir>/plugin)")
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(async (options: { root?: string; json?: boolean }, command: Command) =>
      (await import('./commands/plugin.ts')).pluginLs(await sessionFor(command), options),
    );

  program
    .command('token')
    .description("print the daemon's API token (--rotate: replace it)")
    .option('--rotate', 'generate a new token')
    .action(async (options: { rotate?: boolean }, command: Command) =>
      (await import('./commands/token.ts')).token(await sessionFor(command), options),
    );

  program
    .command('info')
    .description('which engine Stowage talks to, its version, and the data folder')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      (await import('./commands/info.ts')).info(await sessionFor(command), options),
    );

  program
    .command('doctor')
    .description(
      'audit the engine: orphans, missing or stale backups, sensitive bind mounts, shared writers, full disks (exit 10 warnings, 11 critical)',
    )
    .option('--stale-after <duration>', 'a newest backup older than this is stale', '7d')
    .option('--disk-warn <percent>', "warn when the engine's disk is this full", '85')
    .option('--disk-critical <percent>', "critical when the engine's disk is this full", '95')
    .option('--no-trunc', "don't truncate: full volume names, tables as wide as their cells")
    .option('--json', 'print JSON')
    .action(
      async (
        options: { json?: boolean; staleAfter?: string; diskWarn?: string; diskCritical?: string },
        command: Command,
      ) => (await import('./commands/doctor.ts')).doctor(await sessionFor(command), options),
    );

  return program;
}

/** Commands that only read: they leave no trace on disk (no data folder, catalog or cache file). */
const READ_ONLY = new Set(['ls', 'inspect', 'mounts', 'info', 'mount-spec check', 'plugin ls', '__complete']);

/** `ls`, `mount-spec check`: the command's name under the program. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Runs the CLI on `argv` and returns the exit code; never calls process.exit itself. */
export async function main(argv: readonly string[]): Promise<number> {
  let session: CliSession | undefined;
  const sessionFor = async (command: Command) =>
    (session ??= await CliSession.open(command.optsWithGlobals<GlobalOptions>(), undefined, {
      readOnly: READ_ONLY.has(commandPath(command)),
    }));
  const program = buildProgram(sessionFor);
  try {
    return await runCli(async () => {
      await program.parseAsync([...argv], { from: 'user' });
    });
  } finally {
    session?.close();
  }
}
