// commands.ts — every command of `skiff`, as data: names, usage, flags, and where its code is.
//
// The table is the command line's whole shape, readable in one place, as
// chapter 01's main.ts keeps runc's. Each command's code is loaded only
// when that command runs (`import()` of its module), so `skiff ps` pays for
// the modules of ps and nothing else: Node's start-up is already most of
// what a user waits for on every command.

import type { Cli, Flags } from './cli.js';

// #region command-spec
/** One flag, as docker declares it: `-e, --env list`. */
export interface OptionSpec {
  /** `-d, --detach` or `--name`. */
  flags: string;
  /** bool takes no value; list repeats; string and int take one. */
  type: 'bool' | 'string' | 'int' | 'list' | 'decimal' | 'bytes' | 'duration';
  description: string;
  default?: string;
}

export type Action = (cli: Cli, args: string[], flags: Flags) => Promise<number | void>;

/** One command: `skiff NAME`, and its management forms `skiff container ls`… */
export interface CommandSpec {
  /** The top-level name (`ps`), or null when there is only a management form (`system df`). */
  name: string | null;
  /** `[group, names…]`: `['container', 'ls', 'ps', 'list']`. */
  managed?: [string, ...string[]];
  usage: string;
  summary: string;
  /** How many words it takes: [min, max]; max null for any number. */
  args: [number, number | null];
  options: OptionSpec[];
  /** Options after the first word belong to the command run, not to us (`run IMAGE ls -l`). */
  stopAtFirstWord?: boolean;
  action: Action;
}
// #endregion command-spec

// #region lazy-actions
/** A command's code, loaded when it runs. */
const lazy = <M>(load: () => Promise<M>, pick: (m: M) => Action): Action => async (cli, args, flags) => pick(await load())(cli, args, flags);
const containers = () => import('./container-commands.js');
const running = () => import('./run.js');
const images = () => import('./image-commands.js');
const system = () => import('./system-commands.js');
const networks = () => import('./network-commands.js');
const volumes = () => import('./volume-commands.js');

/** The management commands (`skiff network ls`) and what `skiff --help` says of each, in docker's order. */
export const GROUPS: Record<string, string> = {
  container: 'Manage containers', image: 'Manage images', network: 'Manage networks', system: 'Manage Docker', volume: 'Manage volumes',
};

const opt = (flags: string, type: OptionSpec['type'], description: string, def?: string): OptionSpec => ({ flags, type, description, default: def });
const FORMAT = (what: string, short = false) => opt(short ? '-f, --format' : '--format', 'string', `Format output using a custom template:\n'table': Print output in table format with column headers (default)\n'table TEMPLATE': Print output in table format using the given Go template\n'json': Print in JSON format\n'TEMPLATE': Print output using the given Go template for ${what}`);
// #endregion lazy-actions

// #region run-options
/** The flags of `run` and `create`, which both make a container. */
const CONTAINER_OPTIONS: OptionSpec[] = [
  opt('-a, --attach', 'list', 'Attach to STDIN, STDOUT or STDERR'),
  opt('--cpus', 'decimal', 'Number of CPUs'),
  opt('--entrypoint', 'string', 'Overwrite the default ENTRYPOINT of the image'),
  opt('-e, --env', 'list', 'Set environment variables'),
  opt('--env-file', 'list', 'Read in a file of environment variables'),
  opt('--add-host', 'list', 'Add a custom host-to-IP mapping (host:ip)'),
  opt('--dns', 'list', 'Set custom DNS servers'),
  opt('--dns-option', 'list', 'Set DNS options'),
  opt('--dns-search', 'list', 'Set custom DNS search domains'),
  opt('--expose', 'list', 'Expose a port or a range of ports'),
  opt('-h, --hostname', 'string', 'Container host name'),
  opt('--init', 'bool', 'Run an init inside the container that forwards signals and reaps processes'),
  opt('-i, --interactive', 'bool', 'Keep STDIN open even if not attached'),
  opt('--ip', 'string', 'IPv4 address (e.g., 172.30.100.104)'),
  opt('-l, --label', 'list', 'Set meta data on a container'),
  opt('-m, --memory', 'bytes', 'Memory limit'),
  opt('--mount', 'list', 'Attach a filesystem mount to the container'),
  opt('--name', 'string', 'Assign a name to the container'),
  opt('--network', 'string', 'Connect a container to a network'),
  opt('--network-alias', 'list', 'Add network-scoped alias for the container'),
  opt('--pids-limit', 'int', 'Tune container pids limit (set -1 for unlimited)'),
  opt('-p, --publish', 'list', "Publish a container's port(s) to the host"),
  opt('-P, --publish-all', 'bool', 'Publish all exposed ports to random ports'),
  opt('--read-only', 'bool', "Mount the container's root filesystem as read only"),
  opt('--restart', 'string', 'Restart policy to apply when a container exits', 'no'),
  opt('--rm', 'bool', 'Automatically remove the container and its associated anonymous volumes when it exits'),
  opt('--tmpfs', 'list', 'Mount a tmpfs directory'),
  opt('-t, --tty', 'bool', 'Allocate a pseudo-TTY'),
  opt('-u, --user', 'string', 'Username or UID (format: <name|uid>[:<group|gid>])'),
  opt('-v, --volume', 'list', 'Bind mount a volume'),
  opt('--volumes-from', 'list', 'Mount volumes from the specified container(s)'),
  opt('-w, --workdir', 'string', 'Working directory inside the container'),
];
// #endregion run-options

// #region container-commands
export const COMMANDS: CommandSpec[] = [
  {
    name: 'run', managed: ['container', 'run'], usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', summary: 'Create and run a new container from an image',
    args: [1, null], stopAtFirstWord: true,
    options: [opt('-d, --detach', 'bool', 'Run container in background and print container ID'), opt('--detach-keys', 'string', 'Override the key sequence for detaching a container'), ...CONTAINER_OPTIONS],
    action: lazy(running, (m) => m.run),
  },
  {
    name: 'create', managed: ['container', 'create'], usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', summary: 'Create a new container',
    args: [1, null], stopAtFirstWord: true, options: CONTAINER_OPTIONS, action: lazy(running, (m) => m.create),
  },
  {
    name: 'start', managed: ['container', 'start'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Start one or more stopped containers', args: [1, null],
    options: [opt('-a, --attach', 'bool', 'Attach STDOUT/STDERR and forward signals'), opt('--detach-keys', 'string', 'Override the key sequence for detaching a container'), opt('-i, --interactive', 'bool', "Attach container's STDIN")],
    action: lazy(running, (m) => m.start),
  },
  {
    name: 'attach', managed: ['container', 'attach'], usage: '[OPTIONS] CONTAINER', summary: "Attach local standard input, output, and error streams to a running container", args: [1, 1],
    options: [opt('--detach-keys', 'string', 'Override the key sequence for detaching a container'), opt('--no-stdin', 'bool', 'Do not attach STDIN'), opt('--sig-proxy', 'bool', 'Proxy all received signals to the process', 'true')],
    action: lazy(running, (m) => m.attach),
  },
  {
    name: 'exec', managed: ['container', 'exec'], usage: '[OPTIONS] CONTAINER COMMAND [ARG...]', summary: 'Execute a command in a running container', args: [2, null], stopAtFirstWord: true,
    options: [
      opt('-d, --detach', 'bool', 'Detached mode: run command in the background'), opt('--detach-keys', 'string', 'Override the key sequence for detaching a container'),
      opt('-e, --env', 'list', 'Set environment variables'), opt('-i, --interactive', 'bool', 'Keep STDIN open even if not attached'),
      opt('--privileged', 'bool', 'Give extended privileges to the command'), opt('-t, --tty', 'bool', 'Allocate a pseudo-TTY'),
      opt('-u, --user', 'string', 'Username or UID (format: "<name|uid>[:<group|gid>]")'), opt('-w, --workdir', 'string', 'Working directory inside the container'),
    ],
    action: lazy(running, (m) => m.exec),
  },
  {
    // #endregion container-commands

    // #region container-verbs
    name: 'ps', managed: ['container', 'ls', 'list', 'ps'], usage: '[OPTIONS]', summary: 'List containers', args: [0, 0],
    options: [
      opt('-a, --all', 'bool', 'Show all containers (default shows just running)'), opt('-f, --filter', 'list', 'Filter output based on conditions provided'), FORMAT('containers'),
      opt('-n, --last', 'int', 'Show n last created containers (includes all states)', '-1'), opt('-l, --latest', 'bool', 'Show the latest created container (includes all states)'),
      opt('--no-trunc', 'bool', "Don't truncate output"), opt('-q, --quiet', 'bool', 'Only display container IDs'), opt('-s, --size', 'bool', 'Display total file sizes'),
    ],
    action: lazy(containers, (m) => m.ps),
  },
  { name: 'stop', managed: ['container', 'stop'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Stop one or more running containers', args: [1, null],
    options: [opt('-s, --signal', 'string', 'Signal to send to the container'), opt('-t, --timeout', 'int', 'Seconds to wait before killing the container')], action: lazy(containers, (m) => m.stop) },
  { name: 'restart', managed: ['container', 'restart'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Restart one or more containers', args: [1, null],
    options: [opt('-s, --signal', 'string', 'Signal to send to the container'), opt('-t, --timeout', 'int', 'Seconds to wait before killing the container')], action: lazy(containers, (m) => m.restart) },
  { name: 'kill', managed: ['container', 'kill'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Kill one or more running containers', args: [1, null],
    options: [opt('-s, --signal', 'string', 'Signal to send to the container')], action: lazy(containers, (m) => m.kill) },
  { name: 'rm', managed: ['container', 'rm', 'remove'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Remove one or more containers', args: [1, null],
    options: [opt('-f, --force', 'bool', 'Force the removal of a running container (uses SIGKILL)'), opt('-v, --volumes', 'bool', 'Remove anonymous volumes associated with the container')], action: lazy(containers, (m) => m.rm) },
  { name: 'pause', managed: ['container', 'pause'], usage: 'CONTAINER [CONTAINER...]', summary: 'Pause all processes within one or more containers', args: [1, null], options: [], action: lazy(containers, (m) => m.pause) },
  { name: 'unpause', managed: ['container', 'unpause'], usage: 'CONTAINER [CONTAINER...]', summary: 'Unpause all processes within one or more containers', args: [1, null], options: [], action: lazy(containers, (m) => m.unpause) },
  { name: 'wait', managed: ['container', 'wait'], usage: 'CONTAINER [CONTAINER...]', summary: 'Block until one or more containers stop, then print their exit codes', args: [1, null], options: [], action: lazy(containers, (m) => m.wait) },
  { name: 'rename', managed: ['container', 'rename'], usage: 'CONTAINER NEW_NAME', summary: 'Rename a container', args: [2, 2], options: [], action: lazy(containers, (m) => m.rename) },
  { name: 'top', managed: ['container', 'top'], usage: 'CONTAINER [ps OPTIONS]', summary: 'Display the running processes of a container', args: [1, null], stopAtFirstWord: true, options: [], action: lazy(containers, (m) => m.top) },
  {
    // #endregion container-verbs

    // #region container-inspection
    name: 'logs', managed: ['container', 'logs'], usage: '[OPTIONS] CONTAINER', summary: 'Fetch the logs of a container', args: [1, 1],
    options: [
      opt('--details', 'bool', 'Show extra details provided to logs'), opt('-f, --follow', 'bool', 'Follow log output'),
      opt('--since', 'string', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
      opt('-n, --tail', 'string', 'Number of lines to show from the end of the logs', 'all'), opt('-t, --timestamps', 'bool', 'Show timestamps'),
      opt('--until', 'string', 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
    ],
    action: lazy(containers, (m) => m.logs),
  },
  {
    name: 'stats', managed: ['container', 'stats'], usage: '[OPTIONS] [CONTAINER...]', summary: 'Display a live stream of container(s) resource usage statistics', args: [0, null],
    options: [opt('-a, --all', 'bool', 'Show all containers (default shows just running)'), FORMAT('containers'), opt('--no-stream', 'bool', 'Disable streaming stats and only pull the first result'), opt('--no-trunc', 'bool', "Don't truncate output")],
    action: lazy(containers, (m) => m.stats),
  },
  {
    name: 'update', managed: ['container', 'update'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Update configuration of one or more containers', args: [1, null],
    options: [opt('--cpus', 'decimal', 'Number of CPUs'), opt('-m, --memory', 'bytes', 'Memory limit'), opt('--memory-swap', 'bytes', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap'), opt('--pids-limit', 'int', 'Tune container pids limit (set -1 for unlimited)'), opt('--restart', 'string', 'Restart policy to apply when a container exits')],
    action: lazy(containers, (m) => m.update),
  },
  { name: 'diff', managed: ['container', 'diff'], usage: 'CONTAINER', summary: "Inspect changes to files or directories on a container's filesystem", args: [1, 1], options: [], action: lazy(containers, (m) => m.diff) },
  { name: 'port', managed: ['container', 'port'], usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]', summary: 'List port mappings or a specific mapping for the container', args: [1, 2], options: [], action: lazy(containers, (m) => m.port) },
  {
    name: 'cp', managed: ['container', 'cp'], usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tskiff cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    summary: 'Copy files/folders between a container and the local filesystem', args: [2, 2],
    options: [opt('-a, --archive', 'bool', 'Archive mode (copy all uid/gid information)'), opt('-L, --follow-link', 'bool', 'Always follow symbol link in SRC_PATH'), opt('-q, --quiet', 'bool', 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached')],
    action: lazy(containers, (m) => m.cp),
  },
  { name: 'export', managed: ['container', 'export'], usage: '[OPTIONS] CONTAINER', summary: "Export a container's filesystem as a tar archive", args: [1, 1], options: [opt('-o, --output', 'string', 'Write to a file, instead of STDOUT')], action: lazy(containers, (m) => m.exportContainer) },
  { name: null, managed: ['container', 'prune'], usage: '[OPTIONS]', summary: 'Remove all stopped containers', args: [0, 0],
    options: [opt('--filter', 'list', 'Provide filter values (e.g. "until=<timestamp>")'), opt('-f, --force', 'bool', 'Do not prompt for confirmation')], action: lazy(containers, (m) => m.prune) },
  { name: null, managed: ['container', 'inspect'], usage: '[OPTIONS] CONTAINER [CONTAINER...]', summary: 'Display detailed information on one or more containers', args: [1, null],
    options: [FORMAT('inspect', true), opt('-s, --size', 'bool', 'Display total file sizes')], action: lazy(containers, (m) => m.containerInspect) },
];
// #endregion container-inspection

// #region image-commands
COMMANDS.push(
  { name: 'images', managed: ['image', 'ls', 'list'], usage: '[OPTIONS] [REPOSITORY[:TAG]]', summary: 'List images', args: [0, 1],
    options: [opt('-a, --all', 'bool', 'Show all images (default hides intermediate images)'), opt('--digests', 'bool', 'Show digests'), opt('-f, --filter', 'list', 'Filter output based on conditions provided'), FORMAT('images'), opt('--no-trunc', 'bool', "Don't truncate output"), opt('-q, --quiet', 'bool', 'Only show image IDs')],
    action: lazy(images, (m) => m.images) },
  { name: 'build', managed: ['image', 'build'], usage: '[OPTIONS] PATH | URL | -', summary: 'Build an image from a Dockerfile', args: [1, 1],
    options: [opt('--build-arg', 'list', 'Set build-time variables'), opt('-f, --file', 'string', "Name of the Dockerfile (Default is 'PATH/Dockerfile')"), opt('--label', 'list', 'Set metadata for an image'), opt('--no-cache', 'bool', 'Do not use cache when building the image'), opt('-q, --quiet', 'bool', 'Suppress the build output and print image ID on success'), opt('-t, --tag', 'list', 'Name and optionally a tag in the "name:tag" format')],
    action: lazy(images, (m) => m.build) },
  { name: 'pull', managed: ['image', 'pull'], usage: '[OPTIONS] NAME[:TAG|@DIGEST]', summary: 'Download an image from a registry', args: [1, 1],
    options: [opt('--platform', 'string', 'Set platform if server is multi-platform capable'), opt('-q, --quiet', 'bool', 'Suppress verbose output')], action: lazy(images, (m) => m.pull) },
  { name: 'push', managed: ['image', 'push'], usage: '[OPTIONS] NAME[:TAG]', summary: 'Upload an image to a registry', args: [1, 1], options: [opt('-q, --quiet', 'bool', 'Suppress verbose output')], action: lazy(images, (m) => m.push) },
  { name: 'tag', managed: ['image', 'tag'], usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', args: [2, 2], options: [], action: lazy(images, (m) => m.tag) },
  { name: 'rmi', managed: ['image', 'rm', 'remove'], usage: '[OPTIONS] IMAGE [IMAGE...]', summary: 'Remove one or more images', args: [1, null],
    options: [opt('-f, --force', 'bool', 'Force removal of the image'), opt('--no-prune', 'bool', 'Do not delete untagged parents')], action: lazy(images, (m) => m.rmi) },
  { name: 'history', managed: ['image', 'history'], usage: '[OPTIONS] IMAGE', summary: 'Show the history of an image', args: [1, 1],
    options: [FORMAT('images'), opt('-H, --human', 'bool', 'Print sizes and dates in human readable format', 'true'), opt('--no-trunc', 'bool', "Don't truncate output"), opt('-q, --quiet', 'bool', 'Only show image IDs')], action: lazy(images, (m) => m.history) },
  { name: 'load', managed: ['image', 'load'], usage: '[OPTIONS]', summary: 'Load an image from a tar archive or STDIN', args: [0, 0],
    options: [opt('-i, --input', 'string', 'Read from tar archive file, instead of STDIN'), opt('-q, --quiet', 'bool', 'Suppress the load output')], action: lazy(images, (m) => m.load) },
  { name: 'save', managed: ['image', 'save'], usage: '[OPTIONS] IMAGE [IMAGE...]', summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)', args: [1, null],
    options: [opt('-o, --output', 'string', 'Write to a file, instead of STDOUT')], action: lazy(images, (m) => m.save) },
  { name: 'import', managed: ['image', 'import'], usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]', summary: 'Import the contents from a tarball to create a filesystem image', args: [1, 2],
    options: [opt('-c, --change', 'list', 'Apply Dockerfile instruction to the created image'), opt('-m, --message', 'string', 'Set commit message for imported image')], action: lazy(images, (m) => m.importImage) },
  { name: 'commit', managed: ['container', 'commit'], usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]', summary: "Create a new image from a container's changes", args: [1, 2],
    options: [opt('-a, --author', 'string', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")'), opt('-c, --change', 'list', 'Apply Dockerfile instruction to the created image'), opt('-m, --message', 'string', 'Commit message'), opt('-p, --pause', 'bool', 'Pause container during commit', 'true')],
    action: lazy(images, (m) => m.commit) },
  { name: null, managed: ['image', 'prune'], usage: '[OPTIONS]', summary: 'Remove unused images', args: [0, 0],
    options: [opt('-a, --all', 'bool', 'Remove all unused images, not just dangling ones'), opt('--filter', 'list', 'Provide filter values (e.g. "until=<timestamp>")'), opt('-f, --force', 'bool', 'Do not prompt for confirmation')], action: lazy(images, (m) => m.prune) },
  { name: null, managed: ['image', 'inspect'], usage: '[OPTIONS] IMAGE [IMAGE...]', summary: 'Display detailed information on one or more images', args: [1, null], options: [FORMAT('inspect', true)], action: lazy(images, (m) => m.imageInspect) },
);
// #endregion image-commands

// #region system-commands
COMMANDS.push(
  { name: 'inspect', usage: '[OPTIONS] NAME|ID [NAME|ID...]', summary: 'Return low-level information on Docker objects', args: [1, null],
    options: [FORMAT('inspect', true), opt('-s, --size', 'bool', 'Display total file sizes if the type is container'), opt('--type', 'string', 'Only inspect objects of the given type')], action: lazy(system, (m) => m.inspect) },
  { name: 'version', usage: '[OPTIONS]', summary: 'Show the Docker version information', args: [0, 0], options: [FORMAT('version', true)], action: lazy(system, (m) => m.version) },
  { name: 'info', managed: ['system', 'info'], usage: '[OPTIONS]', summary: 'Display system-wide information', args: [0, 0], options: [FORMAT('info', true)], action: lazy(system, (m) => m.info) },
  { name: 'events', managed: ['system', 'events'], usage: '[OPTIONS]', summary: 'Get real time events from the server', args: [0, 0],
    options: [opt('-f, --filter', 'list', 'Filter output based on conditions provided'), FORMAT('events'), opt('--since', 'string', 'Show all events created since timestamp'), opt('--until', 'string', 'Stream events until this timestamp')],
    action: lazy(system, (m) => m.events) },
  { name: null, managed: ['system', 'df'], usage: '[OPTIONS]', summary: 'Show docker disk usage', args: [0, 0], options: [FORMAT('disk usage'), opt('-v, --verbose', 'bool', 'Show detailed information on space usage')], action: lazy(system, (m) => m.df) },
  { name: null, managed: ['system', 'prune'], usage: '[OPTIONS]', summary: 'Remove unused data', args: [0, 0],
    options: [opt('-a, --all', 'bool', 'Remove all unused images not just dangling ones'), opt('--filter', 'list', 'Provide filter values (e.g. "label=<key>=<value>")'), opt('-f, --force', 'bool', 'Do not prompt for confirmation')], action: lazy(system, (m) => m.prune) },
  { name: 'login', usage: '[OPTIONS] [SERVER]', summary: 'Authenticate to a registry', args: [0, 1],
    options: [opt('-p, --password', 'string', 'Password or Personal Access Token (PAT)'), opt('--password-stdin', 'bool', 'Take the Password or Personal Access Token (PAT) from stdin'), opt('-u, --username', 'string', 'Username')], action: lazy(system, (m) => m.login) },
  { name: 'logout', usage: '[SERVER]', summary: 'Log out from a registry', args: [0, 1], options: [], action: lazy(system, (m) => m.logout) },
);
// #endregion system-commands

// #region network-commands
const FORCE = (what: string) => opt('-f, --force', 'bool', what);
COMMANDS.push(
  { name: null, managed: ['network', 'create'], usage: '[OPTIONS] NETWORK', summary: 'Create a network', args: [1, 1],
    options: [opt('--attachable', 'bool', 'Enable manual container attachment'), opt('-d, --driver', 'string', 'Driver to manage the Network', 'bridge'),
      opt('--gateway', 'list', 'IPv4 or IPv6 Gateway for the master subnet'), opt('--internal', 'bool', 'Restrict external access to the network'),
      opt('--label', 'list', 'Set metadata on a network'), opt('-o, --opt', 'list', 'Set driver specific options'),
      opt('--subnet', 'list', 'Subnet in CIDR format that represents a network segment')],
    action: lazy(networks, (m) => m.create) },
  { name: null, managed: ['network', 'ls', 'list'], usage: '[OPTIONS]', summary: 'List networks', args: [0, 0],
    options: [opt('-f, --filter', 'list', 'Provide filter values (e.g. "driver=bridge")'), FORMAT('networks'), opt('--no-trunc', 'bool', 'Do not truncate the output'), opt('-q, --quiet', 'bool', 'Only display network IDs')],
    action: lazy(networks, (m) => m.ls) },
  { name: null, managed: ['network', 'inspect'], usage: '[OPTIONS] NETWORK [NETWORK...]', summary: 'Display detailed information on one or more networks', args: [1, null],
    options: [FORMAT('inspect', true), opt('-v, --verbose', 'bool', 'Verbose output for diagnostics')], action: lazy(networks, (m) => m.inspect) },
  { name: null, managed: ['network', 'rm', 'remove'], usage: 'NETWORK [NETWORK...]', summary: 'Remove one or more networks', args: [1, null],
    options: [FORCE('Do not error if the network does not exist')], action: lazy(networks, (m) => m.rm) },
  { name: null, managed: ['network', 'prune'], usage: '[OPTIONS]', summary: 'Remove all unused networks', args: [0, 0],
    options: [opt('--filter', 'list', 'Provide filter values (e.g. "until=<timestamp>")'), FORCE('Do not prompt for confirmation')], action: lazy(networks, (m) => m.prune) },
  { name: null, managed: ['network', 'connect'], usage: '[OPTIONS] NETWORK CONTAINER', summary: 'Connect a container to a network', args: [2, 2],
    options: [opt('--alias', 'list', 'Add network-scoped alias for the container'), opt('--ip', 'string', 'IPv4 address (e.g., "172.30.100.104")')], action: lazy(networks, (m) => m.connect) },
  { name: null, managed: ['network', 'disconnect'], usage: '[OPTIONS] NETWORK CONTAINER', summary: 'Disconnect a container from a network', args: [2, 2],
    options: [FORCE('Force the container to disconnect from a network')], action: lazy(networks, (m) => m.disconnect) },
);
// #endregion network-commands

// #region volume-commands
COMMANDS.push(
  { name: null, managed: ['volume', 'create'], usage: '[OPTIONS] [VOLUME]', summary: 'Create a volume', args: [0, 1],
    options: [opt('-d, --driver', 'string', 'Specify volume driver name', 'local'), opt('--label', 'list', 'Set metadata for a volume'), opt('--name', 'string', 'Specify volume name'), opt('-o, --opt', 'list', 'Set driver specific options')],
    action: lazy(volumes, (m) => m.create) },
  { name: null, managed: ['volume', 'ls', 'list'], usage: '[OPTIONS]', summary: 'List volumes', args: [0, 0],
    options: [opt('-f, --filter', 'list', 'Provide filter values (e.g. "dangling=true")'), FORMAT('volumes'), opt('-q, --quiet', 'bool', 'Only display volume names')], action: lazy(volumes, (m) => m.ls) },
  { name: null, managed: ['volume', 'inspect'], usage: '[OPTIONS] VOLUME [VOLUME...]', summary: 'Display detailed information on one or more volumes', args: [1, null],
    options: [FORMAT('inspect', true)], action: lazy(volumes, (m) => m.inspect) },
  { name: null, managed: ['volume', 'rm', 'remove'], usage: '[OPTIONS] VOLUME [VOLUME...]', summary: 'Remove one or more volumes', args: [1, null],
    options: [FORCE('Force the removal of one or more volumes')], action: lazy(volumes, (m) => m.rm) },
  { name: null, managed: ['volume', 'prune'], usage: '[OPTIONS]', summary: 'Remove unused local volumes', args: [0, 0],
    options: [opt('-a, --all', 'bool', 'Remove all unused volumes, not just anonymous ones'), opt('--filter', 'list', 'Provide filter values (e.g. "label=<label>")'), FORCE('Do not prompt for confirmation')],
    action: lazy(volumes, (m) => m.prune) },
);
// #endregion volume-commands
