# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tug_global_optspecs
    string join \n root= D/debug H/host= h/help V/version
end

function __fish_tug_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tug_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tug_using_subcommand
    set -l cmd (__fish_tug_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tug -n "__fish_tug_needs_command" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_needs_command" -s H -l host -d 'Docker\'s daemon socket: tug has no daemon, so this is refused with a word on what to do instead' -r
complete -c tug -n "__fish_tug_needs_command" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_needs_command" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_needs_command" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_needs_command" -f -a "run" -d 'Create and run a new container from an image'
complete -c tug -n "__fish_tug_needs_command" -f -a "create" -d 'Create a new container'
complete -c tug -n "__fish_tug_needs_command" -f -a "start" -d 'Start one or more stopped containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "stop" -d 'Stop one or more running containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "restart" -d 'Restart one or more containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "kill" -d 'Kill one or more running containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "ps" -d 'List containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "logs" -d 'Fetch the logs of a container'
complete -c tug -n "__fish_tug_needs_command" -f -a "exec" -d 'Execute a command in a running container'
complete -c tug -n "__fish_tug_needs_command" -f -a "attach" -d 'Attach to a running container\'s standard streams'
complete -c tug -n "__fish_tug_needs_command" -f -a "wait" -d 'Block until containers stop, then print their exit codes'
complete -c tug -n "__fish_tug_needs_command" -f -a "top" -d 'Display the running processes of a container'
complete -c tug -n "__fish_tug_needs_command" -f -a "cp" -d 'Copy files between a container and the host'
complete -c tug -n "__fish_tug_needs_command" -f -a "diff" -d 'Inspect changes to files on a container\'s filesystem'
complete -c tug -n "__fish_tug_needs_command" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c tug -n "__fish_tug_needs_command" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c tug -n "__fish_tug_needs_command" -f -a "pause" -d 'Pause all processes within containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "unpause" -d 'Unpause all processes within containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "rename" -d 'Rename a container'
complete -c tug -n "__fish_tug_needs_command" -f -a "stats" -d 'Display a live stream of container resource usage'
complete -c tug -n "__fish_tug_needs_command" -f -a "port" -d 'List port mappings of a container'
complete -c tug -n "__fish_tug_needs_command" -f -a "events" -d 'Get real time events'
complete -c tug -n "__fish_tug_needs_command" -f -a "container" -d 'Manage containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "volume" -d 'Manage volumes'
complete -c tug -n "__fish_tug_needs_command" -f -a "inspect" -d 'Return low-level information on containers, images, volumes or networks'
complete -c tug -n "__fish_tug_needs_command" -f -a "images" -d 'List images'
complete -c tug -n "__fish_tug_needs_command" -f -a "import" -d 'Import the contents of a tarball to create a filesystem image'
complete -c tug -n "__fish_tug_needs_command" -f -a "load" -d 'Load images from a tar archive or STDIN'
complete -c tug -n "__fish_tug_needs_command" -f -a "save" -d 'Save images to a tar archive (streamed to STDOUT by default)'
complete -c tug -n "__fish_tug_needs_command" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c tug -n "__fish_tug_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c tug -n "__fish_tug_needs_command" -f -a "history" -d 'Show the history of an image'
complete -c tug -n "__fish_tug_needs_command" -f -a "image" -d 'Manage images'
complete -c tug -n "__fish_tug_needs_command" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_needs_command" -f -a "image-build" -d 'Build an image from a Dockerfile (the image-build applet)'
complete -c tug -n "__fish_tug_needs_command" -f -a "buildx" -d 'Docker Buildx\'s commands (`buildx build`)'
complete -c tug -n "__fish_tug_needs_command" -f -a "builder" -d 'Manage the build cache'
complete -c tug -n "__fish_tug_needs_command" -f -a "pull" -d 'Download an image from a registry'
complete -c tug -n "__fish_tug_needs_command" -f -a "push" -d 'Upload an image to a registry'
complete -c tug -n "__fish_tug_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c tug -n "__fish_tug_needs_command" -f -a "logout" -d 'Log out from a registry'
complete -c tug -n "__fish_tug_needs_command" -f -a "search" -d 'Search a registry\'s catalog for images'
complete -c tug -n "__fish_tug_needs_command" -f -a "registry-serve" -d 'Serve an OCI distribution registry over the store (the registry-serve applet)'
complete -c tug -n "__fish_tug_needs_command" -f -a "registry" -d 'Manage the registry served from this store'
complete -c tug -n "__fish_tug_needs_command" -f -a "network" -d 'Manage networks (the network applet)'
complete -c tug -n "__fish_tug_needs_command" -f -a "compose" -d 'Define and run multi-container applications'
complete -c tug -n "__fish_tug_needs_command" -f -a "compose-up" -d 'Create and start a Compose project (the compose-up applet)'
complete -c tug -n "__fish_tug_needs_command" -f -a "kube" -d 'Generate Kubernetes YAML from containers'
complete -c tug -n "__fish_tug_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c tug -n "__fish_tug_needs_command" -f -a "version" -d 'Show the tug version information'
complete -c tug -n "__fish_tug_needs_command" -f -a "system" -d 'Manage tug'
complete -c tug -n "__fish_tug_needs_command" -f -a "install-links" -d 'Create the applet symlinks (run, registry-serve, ...) in DIR'
complete -c tug -n "__fish_tug_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c tug -n "__fish_tug_needs_command" -f -a "gen-docs" -d 'Write completions/ and man/ (for maintainers)'
complete -c tug -n "__fish_tug_needs_command" -f -a "_userns" -d 'Work as root of a mapped user namespace (internal)'
complete -c tug -n "__fish_tug_needs_command" -f -a "_prepare" -d 'Unpack an image\'s layer snapshots and print them (internal)'
complete -c tug -n "__fish_tug_needs_command" -f -a "_pause" -d 'Hold the rootless session\'s user and network namespaces (internal)'
complete -c tug -n "__fish_tug_needs_command" -f -a "container-monitor" -d 'The per-container monitor of a detached container (internal)'
complete -c tug -n "__fish_tug_needs_command" -f -a "_empty-trash" -d 'Delete removed containers\' files (internal)'
complete -c tug -n "__fish_tug_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand run" -l name -d 'Assign a name to the container' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s e -l env -d 'Set environment variables (KEY=VALUE, or KEY to pass the host\'s value)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l env-file -d 'Read environment variables from a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s u -l user -d 'Username or UID, with an optional group (USER[:GROUP])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l entrypoint -d 'Overwrite the image\'s ENTRYPOINT ("" clears it)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s h -l hostname -d 'Container host name (default: the short container ID)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l network -d 'Connect to a network: bridge (the default), none, host, or a network\'s name' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l network-alias -d 'Add a network-scoped alias for the container' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l ip -d 'IPv4 address on the network (user-defined networks only)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s p -l publish -d 'Publish a container\'s port(s) to the host ([IP:][HOST:]CTR[/PROTO])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l expose -d 'Expose a port or a range of ports' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l link -d 'Add a link to another container (NAME[:ALIAS])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l dns-search -d 'Set custom DNS search domains' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l sysctl -d 'Sysctl options (namespaced ones: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l cap-add -d 'Add Linux capabilities' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l security-opt -d 'Security options: no-new-privileges[:true|false], seccomp=unconfined' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s v -l volume -d 'Bind-mount a host path (HOST:CONTAINER[:ro|rw])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l mount -d 'Attach a filesystem mount (type=bind|volume|tmpfs,source=..,target=..[,readonly])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l volumes-from -d 'Mount the volumes of another container (CONTAINER[:ro|rw])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l add-host -d 'Add a custom host-to-IP mapping (NAME:IP)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l dns -d 'Set custom DNS servers' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l device -d 'Add a host device to the container (HOST[:CONTAINER[:PERMS]])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l memory-swap -d 'Memory plus swap limit (-1 for unlimited swap)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l sig-proxy -d 'Proxy received signals to the container' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand run" -l rootfs -d 'Run the container on an exploded root filesystem directory instead of an image' -r -F
complete -c tug -n "__fish_tug_using_subcommand run" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l pids-limit -d 'Tune the container\'s pids limit (-1 for unlimited)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l cpus -d 'Number of CPUs' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l ulimit -d 'Ulimit options (NAME=SOFT[:HARD])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l restart -d 'Restart policy: no, always, on-failure[:N], unless-stopped' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l health-cmd -d 'Command to run to check health (with sh -c)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l health-interval -d 'Time between running the check' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l health-timeout -d 'Maximum time to allow one check to run' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l health-start-period -d 'Start period for the container to initialize before failures count' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l stop-signal -d 'Signal to stop the container (default SIGTERM)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l stop-timeout -d 'Seconds to wait for the container to stop before killing it (default 10)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l log-opt -d 'Log driver options: max-size=SIZE, max-file=N (json-file)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l pull -d 'Pull the image before running: always, missing (when not stored) or never' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l detach-keys -d 'Keys that detach from the container when attached (default ctrl-p,ctrl-q)' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l platform -d 'Pull this platform of a multi-platform image (os/arch[/variant])' -r
complete -c tug -n "__fish_tug_using_subcommand run" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand run" -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand run" -s d -l detach -d 'Run in the background and print the container ID'
complete -c tug -n "__fish_tug_using_subcommand run" -s i -l interactive -d 'Keep STDIN open'
complete -c tug -n "__fish_tug_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c tug -n "__fish_tug_using_subcommand run" -l init -d 'Run tug\'s minimal init as pid 1 (reaps zombies, forwards signals)'
complete -c tug -n "__fish_tug_using_subcommand run" -l rm -d 'Remove the container when it exits'
complete -c tug -n "__fish_tug_using_subcommand run" -s P -l publish-all -d 'Publish all exposed ports to random host ports'
complete -c tug -n "__fish_tug_using_subcommand run" -l privileged -d 'Give extended privileges to the container'
complete -c tug -n "__fish_tug_using_subcommand run" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c tug -n "__fish_tug_using_subcommand run" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c tug -n "__fish_tug_using_subcommand run" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand run" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand create" -l name -d 'Assign a name to the container' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s e -l env -d 'Set environment variables (KEY=VALUE, or KEY to pass the host\'s value)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l env-file -d 'Read environment variables from a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s u -l user -d 'Username or UID, with an optional group (USER[:GROUP])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l entrypoint -d 'Overwrite the image\'s ENTRYPOINT ("" clears it)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s h -l hostname -d 'Container host name (default: the short container ID)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l network -d 'Connect to a network: bridge (the default), none, host, or a network\'s name' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l network-alias -d 'Add a network-scoped alias for the container' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l ip -d 'IPv4 address on the network (user-defined networks only)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s p -l publish -d 'Publish a container\'s port(s) to the host ([IP:][HOST:]CTR[/PROTO])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l expose -d 'Expose a port or a range of ports' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l link -d 'Add a link to another container (NAME[:ALIAS])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l sysctl -d 'Sysctl options (namespaced ones: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l cap-add -d 'Add Linux capabilities' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l security-opt -d 'Security options: no-new-privileges[:true|false], seccomp=unconfined' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s v -l volume -d 'Bind-mount a host path (HOST:CONTAINER[:ro|rw])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l mount -d 'Attach a filesystem mount (type=bind|volume|tmpfs,source=..,target=..[,readonly])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l volumes-from -d 'Mount the volumes of another container (CONTAINER[:ro|rw])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l add-host -d 'Add a custom host-to-IP mapping (NAME:IP)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l dns -d 'Set custom DNS servers' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l device -d 'Add a host device to the container (HOST[:CONTAINER[:PERMS]])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l memory-swap -d 'Memory plus swap limit (-1 for unlimited swap)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l sig-proxy -d 'Proxy received signals to the container' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand create" -l rootfs -d 'Run the container on an exploded root filesystem directory instead of an image' -r -F
complete -c tug -n "__fish_tug_using_subcommand create" -s m -l memory -d 'Memory limit (e.g. 32m, 1g)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l pids-limit -d 'Tune the container\'s pids limit (-1 for unlimited)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l cpus -d 'Number of CPUs' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l ulimit -d 'Ulimit options (NAME=SOFT[:HARD])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l restart -d 'Restart policy: no, always, on-failure[:N], unless-stopped' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l health-cmd -d 'Command to run to check health (with sh -c)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l health-interval -d 'Time between running the check' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l health-timeout -d 'Maximum time to allow one check to run' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l health-start-period -d 'Start period for the container to initialize before failures count' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l stop-signal -d 'Signal to stop the container (default SIGTERM)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l stop-timeout -d 'Seconds to wait for the container to stop before killing it (default 10)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l log-opt -d 'Log driver options: max-size=SIZE, max-file=N (json-file)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l pull -d 'Pull the image before running: always, missing (when not stored) or never' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l detach-keys -d 'Keys that detach from the container when attached (default ctrl-p,ctrl-q)' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l platform -d 'Pull this platform of a multi-platform image (os/arch[/variant])' -r
complete -c tug -n "__fish_tug_using_subcommand create" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand create" -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand create" -s d -l detach -d 'Run in the background and print the container ID'
complete -c tug -n "__fish_tug_using_subcommand create" -s i -l interactive -d 'Keep STDIN open'
complete -c tug -n "__fish_tug_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c tug -n "__fish_tug_using_subcommand create" -l init -d 'Run tug\'s minimal init as pid 1 (reaps zombies, forwards signals)'
complete -c tug -n "__fish_tug_using_subcommand create" -l rm -d 'Remove the container when it exits'
complete -c tug -n "__fish_tug_using_subcommand create" -s P -l publish-all -d 'Publish all exposed ports to random host ports'
complete -c tug -n "__fish_tug_using_subcommand create" -l privileged -d 'Give extended privileges to the container'
complete -c tug -n "__fish_tug_using_subcommand create" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c tug -n "__fish_tug_using_subcommand create" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c tug -n "__fish_tug_using_subcommand create" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand create" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand start" -l detach-keys -d 'Override the key sequence for detaching the container' -r
complete -c tug -n "__fish_tug_using_subcommand start" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand start" -s a -l attach -d 'Attach STDOUT/STDERR and forward signals'
complete -c tug -n "__fish_tug_using_subcommand start" -s i -l interactive -d 'Attach STDIN (for a container created with -i)'
complete -c tug -n "__fish_tug_using_subcommand start" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand start" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand start" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand stop" -s t -l time -d 'Seconds to wait before killing the container (default: its --stop-timeout, else 10)' -r
complete -c tug -n "__fish_tug_using_subcommand stop" -s s -l signal -d 'Signal to send to the container (default: its --stop-signal, else SIGTERM)' -r
complete -c tug -n "__fish_tug_using_subcommand stop" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand stop" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand stop" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand stop" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand restart" -s t -l time -d 'Seconds to wait before killing the container' -r
complete -c tug -n "__fish_tug_using_subcommand restart" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand restart" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand restart" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand restart" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand kill" -s s -l signal -d 'Signal to send to the container' -r
complete -c tug -n "__fish_tug_using_subcommand kill" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand kill" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand kill" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand kill" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand rm" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand rm" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c tug -n "__fish_tug_using_subcommand rm" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c tug -n "__fish_tug_using_subcommand rm" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand rm" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand rm" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand ps" -s n -l last -d 'Show the N last created containers' -r
complete -c tug -n "__fish_tug_using_subcommand ps" -s f -l filter -d 'Filter output (status=, name=, id=, exited=)' -r
complete -c tug -n "__fish_tug_using_subcommand ps" -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand ps" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c tug -n "__fish_tug_using_subcommand ps" -s q -l quiet -d 'Only display container IDs'
complete -c tug -n "__fish_tug_using_subcommand ps" -s l -l latest -d 'Show the latest created container'
complete -c tug -n "__fish_tug_using_subcommand ps" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand ps" -s s -l size -d 'Display total file sizes'
complete -c tug -n "__fish_tug_using_subcommand ps" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand ps" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand ps" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand logs" -s n -l tail -d 'Number of lines to show from the end ("all" for every line)' -r
complete -c tug -n "__fish_tug_using_subcommand logs" -l since -d 'Show logs since a timestamp (RFC 3339) or a relative time (e.g. 10m)' -r
complete -c tug -n "__fish_tug_using_subcommand logs" -l until -d 'Show logs before a timestamp (RFC 3339) or a relative time (e.g. 10m)' -r
complete -c tug -n "__fish_tug_using_subcommand logs" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand logs" -s f -l follow -d 'Follow log output'
complete -c tug -n "__fish_tug_using_subcommand logs" -s t -l timestamps -d 'Show timestamps'
complete -c tug -n "__fish_tug_using_subcommand logs" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand logs" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand logs" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand exec" -s e -l env -d 'Set environment variables' -r
complete -c tug -n "__fish_tug_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c tug -n "__fish_tug_using_subcommand exec" -s u -l user -d 'Username or UID (USER[:GROUP])' -r
complete -c tug -n "__fish_tug_using_subcommand exec" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand exec" -s d -l detach -d 'Detached mode: run the command in the background'
complete -c tug -n "__fish_tug_using_subcommand exec" -s i -l interactive -d 'Keep STDIN open'
complete -c tug -n "__fish_tug_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c tug -n "__fish_tug_using_subcommand exec" -l privileged -d 'Give extended privileges to the command'
complete -c tug -n "__fish_tug_using_subcommand exec" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand exec" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand exec" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand attach" -l detach-keys -d 'Override the key sequence for detaching the container' -r
complete -c tug -n "__fish_tug_using_subcommand attach" -l sig-proxy -d 'Proxy received signals to the container' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand attach" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand attach" -l no-stdin -d 'Do not attach STDIN'
complete -c tug -n "__fish_tug_using_subcommand attach" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand attach" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand attach" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand wait" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand wait" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand wait" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand wait" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand top" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand top" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand top" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand top" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand cp" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand cp" -s a -l archive -d 'Archive mode (owners are kept as root anyway)'
complete -c tug -n "__fish_tug_using_subcommand cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH (inside the container for a container path)'
complete -c tug -n "__fish_tug_using_subcommand cp" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand cp" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand cp" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand diff" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand diff" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand diff" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand diff" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand commit" -s m -l message -d 'Commit message' -r
complete -c tug -n "__fish_tug_using_subcommand commit" -s c -l change -d 'Apply Dockerfile instructions to the image (CMD, ENV, WORKDIR, USER...)' -r
complete -c tug -n "__fish_tug_using_subcommand commit" -s p -l pause -d 'Pause the container during commit (where a cgroup freezer exists)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand commit" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand commit" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand commit" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand commit" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand export" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c tug -n "__fish_tug_using_subcommand export" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand export" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand export" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand export" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand pause" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand pause" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand pause" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand pause" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand unpause" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand unpause" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand unpause" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand unpause" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand rename" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand rename" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand rename" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand rename" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand stats" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c tug -n "__fish_tug_using_subcommand stats" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand stats" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand stats" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand port" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand port" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand port" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand port" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand events" -l since -d 'Show events created since this time (RFC 3339, seconds, or a duration like 10m)' -r
complete -c tug -n "__fish_tug_using_subcommand events" -l until -d 'Stream events until this time' -r
complete -c tug -n "__fish_tug_using_subcommand events" -s f -l filter -d 'Filter output (container=, event=, type=, image=)' -r
complete -c tug -n "__fish_tug_using_subcommand events" -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand events" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand events" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand events" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand events" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -f -a "ls" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -f -a "prune" -d 'Remove all stopped containers'
complete -c tug -n "__fish_tug_using_subcommand container; and not __fish_seen_subcommand_from ls inspect prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show the N last created containers' -r
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (status=, name=, id=, exited=)' -r
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers (default shows just running)'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display container IDs'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest created container'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s s -l size -d 'Display total file sizes'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation (tug never prompts)'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all stopped containers'
complete -c tug -n "__fish_tug_using_subcommand container; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "create" -d 'Create a volume'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "ls" -d 'List volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "rm" -d 'Remove one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "prune" -d 'Remove unused local volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and not __fish_seen_subcommand_from create ls inspect rm prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -s l -l label -d 'Set metadata for a volume (KEY=VALUE)' -r
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'Volume driver (only "local")' -r
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display volume names'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from rm" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force the removal of volumes in use'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -s a -l all -d 'Also remove named volumes (default: anonymous ones only, as Docker)'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation (tug never prompts)'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a volume'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused local volumes'
complete -c tug -n "__fish_tug_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand inspect" -s f -l format -d 'Format output using a Go template, or `json`' -r
complete -c tug -n "__fish_tug_using_subcommand inspect" -l type -d 'Only look for objects of this type' -r -f -a "container\t''
image\t''"
complete -c tug -n "__fish_tug_using_subcommand inspect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand inspect" -s s -l size -d 'Display total file sizes (accepted for compatibility)'
complete -c tug -n "__fish_tug_using_subcommand inspect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand images" -s f -l filter -d 'Filter output (dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE, label=KEY[=VALUE])' -r
complete -c tug -n "__fish_tug_using_subcommand images" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand images" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand images" -s a -l all -d 'Show all images (by default intermediate images are hidden)'
complete -c tug -n "__fish_tug_using_subcommand images" -s q -l quiet -d 'Only show image IDs'
complete -c tug -n "__fish_tug_using_subcommand images" -l digests -d 'Show digests'
complete -c tug -n "__fish_tug_using_subcommand images" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand images" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand images" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand images" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand import" -s c -l change -d 'Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR)' -r
complete -c tug -n "__fish_tug_using_subcommand import" -s m -l message -d 'Set the commit message of the imported image' -r
complete -c tug -n "__fish_tug_using_subcommand import" -l platform -d 'Set the platform (os/arch[/variant]) of the image' -r
complete -c tug -n "__fish_tug_using_subcommand import" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand import" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand import" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand import" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand load" -s i -l input -d 'Read from this archive instead of STDIN (docker-archive or oci-archive, maybe gzip/zstd)' -r -F
complete -c tug -n "__fish_tug_using_subcommand load" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand load" -s q -l quiet -d 'Suppress the load output'
complete -c tug -n "__fish_tug_using_subcommand load" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand load" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand load" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand save" -s o -l output -d 'Write to a file instead of STDOUT' -r -F
complete -c tug -n "__fish_tug_using_subcommand save" -l format -d 'Archive format' -r -f -a "docker-archive\t''
oci-archive\t''"
complete -c tug -n "__fish_tug_using_subcommand save" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand save" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand save" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand save" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand tag" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand tag" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand tag" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand tag" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand rmi" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand rmi" -s f -l force -d 'Force removal of the image (all its names, even in use)'
complete -c tug -n "__fish_tug_using_subcommand rmi" -l no-prune -d 'Do not delete untagged parents'
complete -c tug -n "__fish_tug_using_subcommand rmi" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand rmi" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand history" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand history" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand history" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand history" -s q -l quiet -d 'Only show image IDs'
complete -c tug -n "__fish_tug_using_subcommand history" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand history" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand history" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "ls" -d 'List images'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "import" -d 'Import the contents of a tarball to create a filesystem image'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "load" -d 'Load images from a tar archive or STDIN'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "save" -d 'Save images to a tar archive'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "rm" -d 'Remove one or more images'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "history" -d 'Show the history of an image'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "prune" -d 'Remove unused images'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "pull" -d 'Download an image from a registry'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "push" -d 'Upload an image to a registry'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand image; and not __fish_seen_subcommand_from ls import load save tag rm inspect history prune pull push build help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE, label=KEY[=VALUE])' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (by default intermediate images are hidden)'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show image IDs'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show digests'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR)' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Set the commit message of the imported image' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -l platform -d 'Set the platform (os/arch[/variant]) of the image' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read from this archive instead of STDIN (docker-archive or oci-archive, maybe gzip/zstd)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Suppress the load output'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from load" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to a file instead of STDOUT' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -l format -d 'Archive format' -r -f -a "docker-archive\t''
oci-archive\t''"
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from tag" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from tag" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force removal of the image (all its names, even in use)'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -l no-prune -d 'Do not delete untagged parents'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a Go template, or `json`' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -l type -d 'Only look for objects of this type' -r -f -a "container\t''
image\t''"
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -s s -l size -d 'Display total file sizes (accepted for compatibility)'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Only show image IDs'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all images not used by a container, not just dangling ones'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Pick this platform from a multi-platform image (os/arch[/variant])' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -s a -l all-tags -d 'Download all tagged images in the repository'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Only print the image\'s full reference'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from push" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Only print the manifest digest line'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from push" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag (`name:tag`); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l build-arg -d 'Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l label -d 'Set metadata on the image' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l target -d 'Build this stage and the stages it needs' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l network -d 'Network for RUN steps: default, none or host' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l secret -d 'Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l platform -d 'Platform of the image (the host\'s; others are refused)' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l progress -d 'How to show progress: auto, plain or quiet' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s o -l output -d 'Where to write the result (`type=oci|docker|tar|local,dest=PATH`)' -r
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l rm -d 'Remove intermediate containers (always done; accepted for Docker\'s scripts)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the cache'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l pull -d 'Always pull the images the Dockerfile names'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image ID'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l check -d 'Parse and evaluate every stage, run nothing, report problems'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l push -d 'Push the image after building it'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -l force-rm -d 'Remove intermediate containers even after a failure (always done)'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List images'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import the contents of a tarball to create a filesystem image'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "load" -d 'Load images from a tar archive or STDIN'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Save images to a tar archive'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more images'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "history" -d 'Show the history of an image'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused images'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Download an image from a registry'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "push" -d 'Upload an image to a registry'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand build" -s t -l tag -d 'Name and optionally a tag (`name:tag`); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand build" -s f -l file -d 'Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l build-arg -d 'Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l label -d 'Set metadata on the image' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l target -d 'Build this stage and the stages it needs' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l network -d 'Network for RUN steps: default, none or host' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l secret -d 'Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l platform -d 'Platform of the image (the host\'s; others are refused)' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l iidfile -d 'Write the image ID to a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand build" -l progress -d 'How to show progress: auto, plain or quiet' -r
complete -c tug -n "__fish_tug_using_subcommand build" -s o -l output -d 'Where to write the result (`type=oci|docker|tar|local,dest=PATH`)' -r
complete -c tug -n "__fish_tug_using_subcommand build" -l rm -d 'Remove intermediate containers (always done; accepted for Docker\'s scripts)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand build" -l no-cache -d 'Do not use the cache'
complete -c tug -n "__fish_tug_using_subcommand build" -l pull -d 'Always pull the images the Dockerfile names'
complete -c tug -n "__fish_tug_using_subcommand build" -s q -l quiet -d 'Print only the image ID'
complete -c tug -n "__fish_tug_using_subcommand build" -l check -d 'Parse and evaluate every stage, run nothing, report problems'
complete -c tug -n "__fish_tug_using_subcommand build" -l push -d 'Push the image after building it'
complete -c tug -n "__fish_tug_using_subcommand build" -l force-rm -d 'Remove intermediate containers even after a failure (always done)'
complete -c tug -n "__fish_tug_using_subcommand build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand image-build" -s t -l tag -d 'Name and optionally a tag (`name:tag`); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -s f -l file -d 'Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l build-arg -d 'Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l label -d 'Set metadata on the image' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l target -d 'Build this stage and the stages it needs' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l network -d 'Network for RUN steps: default, none or host' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l secret -d 'Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l platform -d 'Platform of the image (the host\'s; others are refused)' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l iidfile -d 'Write the image ID to a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand image-build" -l progress -d 'How to show progress: auto, plain or quiet' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -s o -l output -d 'Where to write the result (`type=oci|docker|tar|local,dest=PATH`)' -r
complete -c tug -n "__fish_tug_using_subcommand image-build" -l rm -d 'Remove intermediate containers (always done; accepted for Docker\'s scripts)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand image-build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand image-build" -l no-cache -d 'Do not use the cache'
complete -c tug -n "__fish_tug_using_subcommand image-build" -l pull -d 'Always pull the images the Dockerfile names'
complete -c tug -n "__fish_tug_using_subcommand image-build" -s q -l quiet -d 'Print only the image ID'
complete -c tug -n "__fish_tug_using_subcommand image-build" -l check -d 'Parse and evaluate every stage, run nothing, report problems'
complete -c tug -n "__fish_tug_using_subcommand image-build" -l push -d 'Push the image after building it'
complete -c tug -n "__fish_tug_using_subcommand image-build" -l force-rm -d 'Remove intermediate containers even after a failure (always done)'
complete -c tug -n "__fish_tug_using_subcommand image-build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand image-build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand image-build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand buildx; and not __fish_seen_subcommand_from build prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag (`name:tag`); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l build-arg -d 'Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l label -d 'Set metadata on the image' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l target -d 'Build this stage and the stages it needs' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l network -d 'Network for RUN steps: default, none or host' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l secret -d 'Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l platform -d 'Platform of the image (the host\'s; others are refused)' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l progress -d 'How to show progress: auto, plain or quiet' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s o -l output -d 'Where to write the result (`type=oci|docker|tar|local,dest=PATH`)' -r
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l rm -d 'Remove intermediate containers (always done; accepted for Docker\'s scripts)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the cache'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull -d 'Always pull the images the Dockerfile names'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image ID'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l check -d 'Parse and evaluate every stage, run nothing, report problems'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l push -d 'Push the image after building it'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -l force-rm -d 'Remove intermediate containers even after a failure (always done)'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all build cache, not just the intermediate steps\''
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand buildx; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand builder; and not __fish_seen_subcommand_from build prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag (`name:tag`); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l build-arg -d 'Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l label -d 'Set metadata on the image' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l target -d 'Build this stage and the stages it needs' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l network -d 'Network for RUN steps: default, none or host' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l secret -d 'Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l platform -d 'Platform of the image (the host\'s; others are refused)' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to a file' -r -F
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l progress -d 'How to show progress: auto, plain or quiet' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s o -l output -d 'Where to write the result (`type=oci|docker|tar|local,dest=PATH`)' -r
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l rm -d 'Remove intermediate containers (always done; accepted for Docker\'s scripts)' -r -f -a "true\t''
false\t''"
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use the cache'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l pull -d 'Always pull the images the Dockerfile names'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print only the image ID'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l check -d 'Parse and evaluate every stage, run nothing, report problems'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l push -d 'Push the image after building it'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -l force-rm -d 'Remove intermediate containers even after a failure (always done)'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all build cache, not just the intermediate steps\''
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand builder; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand pull" -l platform -d 'Pick this platform from a multi-platform image (os/arch[/variant])' -r
complete -c tug -n "__fish_tug_using_subcommand pull" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand pull" -s a -l all-tags -d 'Download all tagged images in the repository'
complete -c tug -n "__fish_tug_using_subcommand pull" -s q -l quiet -d 'Only print the image\'s full reference'
complete -c tug -n "__fish_tug_using_subcommand pull" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand pull" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand pull" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand push" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand push" -s q -l quiet -d 'Only print the manifest digest line'
complete -c tug -n "__fish_tug_using_subcommand push" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand push" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand push" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand login" -s u -l username -d 'Username' -r
complete -c tug -n "__fish_tug_using_subcommand login" -s p -l password -d 'Password (prefer --password-stdin)' -r
complete -c tug -n "__fish_tug_using_subcommand login" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand login" -l password-stdin -d 'Read the password from stdin'
complete -c tug -n "__fish_tug_using_subcommand login" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand login" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand login" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand logout" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand logout" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand logout" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand logout" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand search" -s f -l filter -d 'Filter output: stars=N, is-official=true|false, is-automated=true|false' -r
complete -c tug -n "__fish_tug_using_subcommand search" -l limit -d 'Show at most this many results' -r
complete -c tug -n "__fish_tug_using_subcommand search" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand search" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand search" -l no-trunc -d 'Don\'t truncate output'
complete -c tug -n "__fish_tug_using_subcommand search" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand search" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand search" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l config -d 'Read distribution\'s configuration file (config.yml) and its REGISTRY_* environment overrides; --addr overrides http.addr, other flags only restrict it further' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l addr -d 'Address to listen on (port 0 picks a free port, printed on stderr) [default: 0.0.0.0:5000, or http.addr under --config]' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l data-dir -d 'Serve a registry:2 data directory in distribution\'s layout (e.g. /var/lib/registry) instead of the store' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l htpasswd -d 'Require basic auth against this htpasswd file (bcrypt entries, htpasswd -B)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l tls-cert -d 'Serve HTTPS with this certificate (PEM); needs --tls-key' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l tls-key -d 'The private key (PEM) for --tls-cert' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l header-timeout -d 'Close a connection whose request headers are not complete this long after it is ready for a request (new, or kept alive after a response)' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l idle-timeout -d 'Close a connection on which nothing moved either way for this long while no request was being handled (idle keep-alive, a client not reading)' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l body-timeout -d 'End a request whose body made no progress for this long, and drop its upload' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l max-connections -d 'Connections served at once; more wait to be accepted [default: min(1024, (open-file limit - 64) / 2)]' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l max-uploads -d 'Upload sessions open at once (more get 429 TOOMANYREQUESTS)' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l max-uploads-per-client -d 'Upload sessions one client address may have open at once' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l upload-expiry -d 'Remove an upload session, and its data, after this long without activity' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l read-only -d 'Refuse pushes and deletes'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l no-delete -d 'Refuse DELETE of manifests, tags and blobs (pushes still work)'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -s q -l quiet -d 'Do not log each request on stderr'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -l serve-local -d 'Also serve the local images (`tug images`), e.g. busybox as `busybox` and `library/busybox`'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -f -a "garbage-collect" -d 'Delete the blobs no manifest references, as distribution\'s command does (with the registry read-only or stopped)'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and not __fish_seen_subcommand_from garbage-collect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -l grace -d 'Upload pins and sessions older than this are dropped first' -r
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -s d -l dry-run -d 'Only report what would be deleted'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -s m -l delete-untagged -d 'Also delete manifests no tag names (nor a tagged index), and what only they reference'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from garbage-collect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from help" -f -a "garbage-collect" -d 'Delete the blobs no manifest references, as distribution\'s command does (with the registry read-only or stopped)'
complete -c tug -n "__fish_tug_using_subcommand registry-serve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -f -a "serve" -d 'Serve an OCI distribution registry over the store'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -f -a "gc" -d 'Delete blobs no manifest references, safely while pushes go on'
complete -c tug -n "__fish_tug_using_subcommand registry; and not __fish_seen_subcommand_from serve gc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l config -d 'Read distribution\'s configuration file (config.yml) and its REGISTRY_* environment overrides; --addr overrides http.addr, other flags only restrict it further' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l addr -d 'Address to listen on (port 0 picks a free port, printed on stderr) [default: 0.0.0.0:5000, or http.addr under --config]' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l data-dir -d 'Serve a registry:2 data directory in distribution\'s layout (e.g. /var/lib/registry) instead of the store' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l htpasswd -d 'Require basic auth against this htpasswd file (bcrypt entries, htpasswd -B)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l tls-cert -d 'Serve HTTPS with this certificate (PEM); needs --tls-key' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l tls-key -d 'The private key (PEM) for --tls-cert' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l header-timeout -d 'Close a connection whose request headers are not complete this long after it is ready for a request (new, or kept alive after a response)' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l idle-timeout -d 'Close a connection on which nothing moved either way for this long while no request was being handled (idle keep-alive, a client not reading)' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l body-timeout -d 'End a request whose body made no progress for this long, and drop its upload' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l max-connections -d 'Connections served at once; more wait to be accepted [default: min(1024, (open-file limit - 64) / 2)]' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l max-uploads -d 'Upload sessions open at once (more get 429 TOOMANYREQUESTS)' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l max-uploads-per-client -d 'Upload sessions one client address may have open at once' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l upload-expiry -d 'Remove an upload session, and its data, after this long without activity' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l read-only -d 'Refuse pushes and deletes'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l no-delete -d 'Refuse DELETE of manifests, tags and blobs (pushes still work)'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Do not log each request on stderr'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -l serve-local -d 'Also serve the local images (`tug images`), e.g. busybox as `busybox` and `library/busybox`'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -f -a "garbage-collect" -d 'Delete the blobs no manifest references, as distribution\'s command does (with the registry read-only or stopped)'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from serve" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -l grace -d 'Upload pins and sessions older than this are dropped first (e.g. 1h, 30m)' -r
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -l dry-run -d 'Only report what would be deleted'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from gc" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve an OCI distribution registry over the store'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "gc" -d 'Delete blobs no manifest references, safely while pushes go on'
complete -c tug -n "__fish_tug_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "create" -d 'Create a network'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "ls" -d 'List networks'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "rm" -d 'Remove one or more networks'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "prune" -d 'Remove all unused networks'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "connect" -d 'Connect a container to a network'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c tug -n "__fish_tug_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -s d -l driver -d 'Driver to manage the network (only bridge)' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l subnet -d 'Subnet in CIDR format, e.g. 10.10.0.0/24' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l gateway -d 'Gateway for the subnet (default: its first address)' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l ip-range -d 'Allocate container addresses from this sub-range' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l label -d 'Set metadata on the network (KEY=VALUE)' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set driver specific options (KEY=VALUE)' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -l internal -d 'Restrict external access to the network'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (name=, id=, driver=, label=KEY[=VALUE], type=custom|builtin)' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Format output: table, table TEMPLATE, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display network IDs'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate the output'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from rm" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Do not error if the network does not exist'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Add a network-scoped alias for the container' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -l ip -d 'IPv4 address on the network' -r
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Force the container to disconnect from a network'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a network'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List networks'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove one or more networks'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove all unused networks'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "connect" -d 'Connect a container to a network'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c tug -n "__fish_tug_using_subcommand network; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -s f -l file -d 'Compose configuration files (`-` for stdin); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -s p -l project-name -d 'Project name' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "config" -d 'Parse, resolve and render the Compose file in canonical format'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "up" -d 'Create and start containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "down" -d 'Stop and remove containers and networks'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "ps" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "logs" -d 'View output from containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "start" -d 'Start services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "stop" -d 'Stop services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "restart" -d 'Restart services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "pause" -d 'Pause services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "unpause" -d 'Unpause services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "kill" -d 'Force stop services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "rm" -d 'Remove stopped service containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "create" -d 'Create containers for services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "build" -d 'Build or rebuild services'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "pull" -d 'Pull service images'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "push" -d 'Push service images'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "exec" -d 'Execute a command in a running container'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "run" -d 'Run a one-off command on a service'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "top" -d 'Display the running processes'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "images" -d 'List images used by the created containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "port" -d 'Print the public port for a port binding'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "ls" -d 'List running compose projects'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "events" -d 'Receive real time events from containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "cp" -d 'Copy files between a service container and the local filesystem'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "wait" -d 'Block until containers of the services stop'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "version" -d 'Show the Compose version information'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "convert" -d 'Convert the project to Kubernetes manifests'
complete -c tug -n "__fish_tug_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs start stop restart pause unpause kill rm create build pull push exec run top images port ls events cp wait version convert help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l format -d 'Output format: yaml or json' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -s o -l output -d 'Save to a file instead of stdout' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -s q -l quiet -d 'Only validate the configuration, print nothing'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l services -d 'Print the service names, one per line'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l volumes -d 'Print the volume names, one per line'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l profiles -d 'Print the profile names, one per line'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -l images -d 'Print the image names, one per line'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from config" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l pull -d 'Pull images before running: always, missing or never' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait-timeout -d 'Maximum duration in seconds to wait for the project to be running|healthy' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l exit-code-from -d 'Return the exit code of the selected service container (implies --abort-on-container-exit)' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l scale -d 'Scale SERVICE to NUM instances (SERVICE=NUM)' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -s t -l timeout -d 'Seconds to wait for containers to stop' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -s d -l detach -d 'Detached mode: run containers in the background'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l build -d 'Build images before starting containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-build -d 'Don\'t build an image, even if it\'s missing'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l force-recreate -d 'Recreate containers even if their configuration hasn\'t changed'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-recreate -d 'If containers already exist, don\'t recreate them'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-deps -d 'Don\'t start linked services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait -d 'Wait for services to be running|healthy (implies detached mode)'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l abort-on-container-exit -d 'Stops all containers if any container was stopped'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-color -d 'Produce monochrome output'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-log-prefix -d 'Don\'t prefix the log lines with the container name'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l rmi -d 'Remove images used by services: local (built ones) or all' -r -f -a "local\t''
all\t''"
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -s t -l timeout -d 'Seconds to wait for containers to stop' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -s v -l volumes -d 'Remove named volumes declared in the volumes section and anonymous volumes'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l format -d 'Format the output: table, json, or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l status -d 'Filter services by status: created, restarting, running, paused, exited' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all stopped containers (including those created by the run command)'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display IDs'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -l services -d 'Display services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines to show from the end of the logs for each container' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow log output'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-color -d 'Produce monochrome output'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-log-prefix -d 'Don\'t print the container name prefix'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -s t -l timeout -d 'Seconds to wait for the containers to stop' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -s t -l timeout -d 'Seconds to wait for the containers to stop' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -s s -l signal -d 'SIGNAL to send to the container' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s f -l force -d 'Don\'t ask to confirm removal'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s s -l stop -d 'Stop the containers, if required, before removing'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove any anonymous volumes attached to containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l pull -d 'Pull images before creating: always, missing or never' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l scale -d 'Scale SERVICE to NUM instances (SERVICE=NUM)' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l build -d 'Build images before creating containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l force-recreate -d 'Recreate containers even if their configuration hasn\'t changed'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l no-recreate -d 'If containers already exist, don\'t recreate them'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l build-arg -d 'Set build-time variables for services' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use cache when building the image'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -l pull -d 'Always attempt to pull a newer version of the image'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Don\'t print anything to stdout or stderr'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Pull without printing progress information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -l ignore-pull-failures -d 'Pull what it can and ignore images with pull failures'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -l ignore-push-failures -d 'Push what it can and ignore images with push failures'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Push without printing progress information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set environment variables' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l index -d 'Index of the container if the service has multiple replicas' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s u -l user -d 'Run the command as this user' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Path to workdir directory for this command' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Detached mode: run the command in the background'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s T -l no-TTY -d 'Disable pseudo-TTY allocation'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -l privileged -d 'Give extended privileges to the process'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s e -l env -d 'Set environment variables' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l entrypoint -d 'Override the entrypoint of the image' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s u -l user -d 'Run as specified username or uid' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run container in background and print container ID'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l rm -d 'Automatically remove the container when it exits'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l no-deps -d 'Don\'t start linked services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -l service-ports -d 'Run command with the service\'s ports enabled and mapped to the host'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s T -l no-TTY -d 'Disable pseudo-TTY allocation'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -l format -d 'Format the output: table or json' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -s q -l quiet -d 'Only display IDs'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from images" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l protocol -d 'tcp or udp' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l index -d 'Index of the container if the service has multiple replicas' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from port" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -l format -d 'Format the output: table or json' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all stopped Compose projects'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display project names'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -l json -d 'Output events as a stream of json objects'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from events" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -l index -d 'Index of the container if the service has multiple replicas' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from cp" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -s f -l format -d 'Format the output: pretty or json' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -l short -d 'Shows only Compose\'s version number'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from version" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l format -d 'Output format: kube (Kubernetes manifests), yaml or json (the Compose model)' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -s o -l output -d 'Save to a file instead of stdout' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -l strict -d 'Fail (exit 1) if any field cannot be converted'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from convert" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "config" -d 'Parse, resolve and render the Compose file in canonical format'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "up" -d 'Create and start containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop and remove containers and networks'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "ps" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "logs" -d 'View output from containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Pause services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "unpause" -d 'Unpause services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "kill" -d 'Force stop services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove stopped service containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create containers for services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build or rebuild services'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Pull service images'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push service images'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Execute a command in a running container'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a one-off command on a service'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "top" -d 'Display the running processes'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "images" -d 'List images used by the created containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "port" -d 'Print the public port for a port binding'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List running compose projects'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "events" -d 'Receive real time events from containers'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "cp" -d 'Copy files between a service container and the local filesystem'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "wait" -d 'Block until containers of the services stop'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "version" -d 'Show the Compose version information'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "convert" -d 'Convert the project to Kubernetes manifests'
complete -c tug -n "__fish_tug_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s f -l file -d 'Compose configuration files (`-` for stdin); may be given several times' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s p -l project-name -d 'Project name' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l project-directory -d 'Alternate working directory (default: the directory of the first file)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l env-file -d 'Alternate environment files (instead of .env)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l profile -d 'Profiles to enable' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l pull -d 'Pull images before running: always, missing or never' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l wait-timeout -d 'Maximum duration in seconds to wait for the project to be running|healthy' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l exit-code-from -d 'Return the exit code of the selected service container (implies --abort-on-container-exit)' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l scale -d 'Scale SERVICE to NUM instances (SERVICE=NUM)' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s t -l timeout -d 'Seconds to wait for containers to stop' -r
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s d -l detach -d 'Detached mode: run containers in the background'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l build -d 'Build images before starting containers'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l no-build -d 'Don\'t build an image, even if it\'s missing'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l force-recreate -d 'Recreate containers even if their configuration hasn\'t changed'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l no-recreate -d 'If containers already exist, don\'t recreate them'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l no-deps -d 'Don\'t start linked services'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l wait -d 'Wait for services to be running|healthy (implies detached mode)'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l abort-on-container-exit -d 'Stops all containers if any container was stopped'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l no-color -d 'Produce monochrome output'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -l no-log-prefix -d 'Don\'t prefix the log lines with the container name'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand compose-up" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -f -a "generate" -d 'Generate Kubernetes YAML from containers'
complete -c tug -n "__fish_tug_using_subcommand kube; and not __fish_seen_subcommand_from generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s k -l type -d 'What to generate' -r -f -a "pod\t''
deployment\t''"
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -l name -d 'The pod\'s name (default: the first container\'s name and -pod)' -r
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s f -l filename -d 'Write to a file instead of stdout' -r -F
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s s -l service -d 'Also generate a Service for the published ports'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from generate" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Generate Kubernetes YAML from containers'
complete -c tug -n "__fish_tug_using_subcommand kube; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand info" -s f -l format -d 'Format the output using a Go template, or `json`' -r
complete -c tug -n "__fish_tug_using_subcommand info" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand info" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand info" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand info" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand version" -s f -l format -d 'Format the output using a Go template, or `json`' -r
complete -c tug -n "__fish_tug_using_subcommand version" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand version" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand version" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand version" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -f -a "df" -d 'Show disk usage by images, containers and volumes'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -f -a "prune" -d 'Remove unused data (dangling images, and with -a every unused image)'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -f -a "info" -d 'Display system-wide information'
complete -c tug -n "__fish_tug_using_subcommand system; and not __fish_seen_subcommand_from df prune info help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Format output: \'table\', \'table TEMPLATE\', \'json\', or a Go template' -r
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'Show detailed information on space usage'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from df" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images, not just dangling ones'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -l volumes -d 'Prune anonymous volumes too'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from info" -s f -l format -d 'Format the output using a Go template, or `json`' -r
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from info" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from info" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "df" -d 'Show disk usage by images, containers and volumes'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused data (dangling images, and with -a every unused image)'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "info" -d 'Display system-wide information'
complete -c tug -n "__fish_tug_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand install-links" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand install-links" -l docker -d 'Also create `docker` and `docker-compose` symlinks'
complete -c tug -n "__fish_tug_using_subcommand install-links" -s f -l force -d 'Replace existing files of the same names'
complete -c tug -n "__fish_tug_using_subcommand install-links" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand install-links" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand install-links" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand completion" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand completion" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand completion" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand completion" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand gen-docs" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand gen-docs" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand gen-docs" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand gen-docs" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "unpack" -d 'Apply an image\'s layers onto DEST with their owners'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "layer" -d 'Unpack layer blob BLOB into DEST in overlay form, checking DIFF_ID'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "rmtree" -d 'Remove a directory tree'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "diff" -d 'Write a container\'s changes (`diff`) to DEST'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "export" -d 'Write a container\'s filesystem as a tar archive to DEST'
complete -c tug -n "__fish_tug_using_subcommand _userns; and not __fish_seen_subcommand_from unpack layer rmtree diff export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from unpack" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from unpack" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from unpack" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from unpack" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from layer" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from layer" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from layer" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from layer" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from rmtree" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from rmtree" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from rmtree" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from rmtree" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from diff" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from diff" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from export" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from export" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "unpack" -d 'Apply an image\'s layers onto DEST with their owners'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "layer" -d 'Unpack layer blob BLOB into DEST in overlay form, checking DIFF_ID'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "rmtree" -d 'Remove a directory tree'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Write a container\'s changes (`diff`) to DEST'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a container\'s filesystem as a tar archive to DEST'
complete -c tug -n "__fish_tug_using_subcommand _userns; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand _prepare" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _prepare" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _prepare" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _prepare" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _pause" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _pause" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _pause" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _pause" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand container-monitor" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand container-monitor" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand container-monitor" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand container-monitor" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand _empty-trash" -l root -d 'Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)' -r -F
complete -c tug -n "__fish_tug_using_subcommand _empty-trash" -s D -l debug -d 'Print debugging information'
complete -c tug -n "__fish_tug_using_subcommand _empty-trash" -s h -l help -d 'Print help'
complete -c tug -n "__fish_tug_using_subcommand _empty-trash" -s V -l version -d 'Print version'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "run" -d 'Create and run a new container from an image'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "create" -d 'Create a new container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "start" -d 'Start one or more stopped containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "stop" -d 'Stop one or more running containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "restart" -d 'Restart one or more containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "kill" -d 'Kill one or more running containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "rm" -d 'Remove one or more containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "ps" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "logs" -d 'Fetch the logs of a container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "exec" -d 'Execute a command in a running container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "attach" -d 'Attach to a running container\'s standard streams'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "wait" -d 'Block until containers stop, then print their exit codes'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "top" -d 'Display the running processes of a container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "cp" -d 'Copy files between a container and the host'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "diff" -d 'Inspect changes to files on a container\'s filesystem'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "pause" -d 'Pause all processes within containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "unpause" -d 'Unpause all processes within containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "rename" -d 'Rename a container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "stats" -d 'Display a live stream of container resource usage'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "port" -d 'List port mappings of a container'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "events" -d 'Get real time events'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "container" -d 'Manage containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "volume" -d 'Manage volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "inspect" -d 'Return low-level information on containers, images, volumes or networks'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "images" -d 'List images'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "import" -d 'Import the contents of a tarball to create a filesystem image'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "load" -d 'Load images from a tar archive or STDIN'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "save" -d 'Save images to a tar archive (streamed to STDOUT by default)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "rmi" -d 'Remove one or more images'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "history" -d 'Show the history of an image'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "image" -d 'Manage images'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "image-build" -d 'Build an image from a Dockerfile (the image-build applet)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "buildx" -d 'Docker Buildx\'s commands (`buildx build`)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "builder" -d 'Manage the build cache'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "pull" -d 'Download an image from a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "push" -d 'Upload an image to a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "login" -d 'Log in to a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "logout" -d 'Log out from a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "search" -d 'Search a registry\'s catalog for images'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "registry-serve" -d 'Serve an OCI distribution registry over the store (the registry-serve applet)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "registry" -d 'Manage the registry served from this store'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "network" -d 'Manage networks (the network applet)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "compose" -d 'Define and run multi-container applications'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "compose-up" -d 'Create and start a Compose project (the compose-up applet)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "kube" -d 'Generate Kubernetes YAML from containers'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "info" -d 'Display system-wide information'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "version" -d 'Show the tug version information'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "system" -d 'Manage tug'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "install-links" -d 'Create the applet symlinks (run, registry-serve, ...) in DIR'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "completion" -d 'Print a shell completion script'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "gen-docs" -d 'Write completions/ and man/ (for maintainers)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "_userns" -d 'Work as root of a mapped user namespace (internal)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "_prepare" -d 'Unpack an image\'s layer snapshots and print them (internal)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "_pause" -d 'Hold the rootless session\'s user and network namespaces (internal)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "container-monitor" -d 'The per-container monitor of a detached container (internal)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "_empty-trash" -d 'Delete removed containers\' files (internal)'
complete -c tug -n "__fish_tug_using_subcommand help; and not __fish_seen_subcommand_from run create start stop restart kill rm ps logs exec attach wait top cp diff commit export pause unpause rename stats port events container volume inspect images import load save tag rmi history image build image-build buildx builder pull push login logout search registry-serve registry network compose compose-up kube info version system install-links completion gen-docs _userns _prepare _pause container-monitor _empty-trash help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "ls" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from container" -f -a "prune" -d 'Remove all stopped containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "create" -d 'Create a volume'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "ls" -d 'List volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "rm" -d 'Remove one or more volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "prune" -d 'Remove unused local volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "ls" -d 'List images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "import" -d 'Import the contents of a tarball to create a filesystem image'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "load" -d 'Load images from a tar archive or STDIN'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Save images to a tar archive'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "rm" -d 'Remove one or more images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "history" -d 'Show the history of an image'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "prune" -d 'Remove unused images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "pull" -d 'Download an image from a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "push" -d 'Upload an image to a registry'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from buildx" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from buildx" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from builder" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from builder" -f -a "prune" -d 'Remove build cache'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from registry-serve" -f -a "garbage-collect" -d 'Delete the blobs no manifest references, as distribution\'s command does (with the registry read-only or stopped)'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "serve" -d 'Serve an OCI distribution registry over the store'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "gc" -d 'Delete blobs no manifest references, safely while pushes go on'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "create" -d 'Create a network'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "ls" -d 'List networks'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "rm" -d 'Remove one or more networks'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "prune" -d 'Remove all unused networks'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "connect" -d 'Connect a container to a network'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from network" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "config" -d 'Parse, resolve and render the Compose file in canonical format'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "up" -d 'Create and start containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "down" -d 'Stop and remove containers and networks'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "ps" -d 'List containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "logs" -d 'View output from containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "start" -d 'Start services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "stop" -d 'Stop services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "restart" -d 'Restart services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "pause" -d 'Pause services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "unpause" -d 'Unpause services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "kill" -d 'Force stop services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "rm" -d 'Remove stopped service containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "create" -d 'Create containers for services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "build" -d 'Build or rebuild services'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "pull" -d 'Pull service images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "push" -d 'Push service images'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "exec" -d 'Execute a command in a running container'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "run" -d 'Run a one-off command on a service'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "top" -d 'Display the running processes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "images" -d 'List images used by the created containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "port" -d 'Print the public port for a port binding'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "ls" -d 'List running compose projects'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "events" -d 'Receive real time events from containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "cp" -d 'Copy files between a service container and the local filesystem'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "wait" -d 'Block until containers of the services stop'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "version" -d 'Show the Compose version information'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "convert" -d 'Convert the project to Kubernetes manifests'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from kube" -f -a "generate" -d 'Generate Kubernetes YAML from containers'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "df" -d 'Show disk usage by images, containers and volumes'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "prune" -d 'Remove unused data (dangling images, and with -a every unused image)'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "info" -d 'Display system-wide information'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from _userns" -f -a "unpack" -d 'Apply an image\'s layers onto DEST with their owners'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from _userns" -f -a "layer" -d 'Unpack layer blob BLOB into DEST in overlay form, checking DIFF_ID'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from _userns" -f -a "rmtree" -d 'Remove a directory tree'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from _userns" -f -a "diff" -d 'Write a container\'s changes (`diff`) to DEST'
complete -c tug -n "__fish_tug_using_subcommand help; and __fish_seen_subcommand_from _userns" -f -a "export" -d 'Write a container\'s filesystem as a tar archive to DEST'
