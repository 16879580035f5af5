using System.Globalization;
using MiniDocker.Containers;

namespace MiniDocker.Cli;

/// <summary>The container commands: run, ps, logs, exec, stop, kill, rm, pause, unpause, stats, prune.</summary>
internal sealed class ContainerCommands(ContainerEngine engine)
{
    private static readonly string[] RunSwitches = ["-d", "--detach", "--rm", "-i", "--interactive", "-t", "--tty", "--init", "--privileged", "--read-only"];

    private static readonly string[] RunValues =
        ["-e", "--env", "-v", "--volume", "-m", "--memory", "--cpus", "--name", "--entrypoint", "-w", "--workdir", "-u", "--user", "--hostname", "--pids-limit", "-p", "--publish", "--network", "--restart"];

    public async Task<int> CreateAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("create", args, RunSwitches, RunValues, interspersed: false);
        // Started later by another process: it must outlive that one, as docker start's containers do.
        var builder = (await BuildAsync("create", a, cancellationToken)).WithDetached();
        var created = await engine.CreateAsync(builder.Build(), cancellationToken);
        Console.WriteLine(created.Id);
        return 0;
    }

    public Task<int> StartAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("start", args, ["-a", "--attach"], []);
        return EachAsync("start", a, name => engine.Containers.StartAsync(name, cancellationToken));
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("run", args, RunSwitches, RunValues, interspersed: false);
        bool detach = a.Has("-d", "--detach");
        if (detach && a.Has("--rm")) throw new CliException("the --rm and -d options are not supported together here: a detached container outlives this process, which would remove it.");
        var builder = (await BuildAsync("run", a, cancellationToken)).WithDetached(detach);
        var container = await builder.StartAsync(cancellationToken);
        if (detach)
        {
            Console.WriteLine(container.Id);
            return 0;
        }
        bool tty = a.Has("-t", "--tty");
        using var raw = tty && a.Has("-i", "--interactive") ? RawTerminal.Enter() : null;
        try
        {
            if (container.Stdin is { } stdin && a.Has("-i", "--interactive"))
                _ = Task.Run(async () =>
                {
                    await Console.OpenStandardInput().CopyToAsync(stdin, cancellationToken);
                    if (!tty) await stdin.DisposeAsync();
                }, cancellationToken);
            if (tty)
            {
                // The terminal's bytes as they come: a prompt has no newline to wait for.
                var output = Console.OpenStandardOutput();
                await foreach (var chunk in container.AttachTerminalAsync(cancellationToken))
                {
                    await output.WriteAsync(chunk, cancellationToken);
                    await output.FlushAsync(cancellationToken);
                }
            }
            else
            {
                await WriteLogsAsync(container.FollowLogsAsync(cancellationToken: cancellationToken), timestamps: false);
            }
            var exit = await container.WaitAsync(cancellationToken);
            return exit.ExitCode;
        }
        finally
        {
            if (a.Has("--rm")) await container.DisposeAsync();
        }
    }

    /// <summary>The container the flags of run and create describe, on its image (pulled when missing, as docker run does).</summary>
    private async Task<ContainerBuilder> BuildAsync(string command, Arguments a, CancellationToken cancellationToken)
    {
        if (a.Positional.Count == 0) throw new CliException($"\"{command}\" requires at least 1 argument (see 'minidocker {command} --help')");
        var ports = a.Values("-p", "--publish");
        var reference = a.Positional[0];
        var image = await engine.Images.TryGetAsync(reference, cancellationToken);
        if (image is null)
        {
            Console.Error.WriteLine($"Unable to find image '{reference}' locally");
            image = await engine.Images.PullAsync(reference, new PullDisplay(Console.Error), cancellationToken);
        }

        var builder = engine.CreateContainer().WithImage(image);
        if (a.Value("--network") is { } networkName && networkName != "none")
        {
            var network = engine.Networks.Find(networkName) ?? throw new CliException($"network {networkName} not found (create it with 'minidocker network create {networkName}')");
            builder = builder.WithNetwork(network);
        }
        // Published ports need a network: a default bridge that stays, as docker0 does, unless one was named.
        if (ports.Count > 0 && a.Value("--network") is null or "none")
            builder = builder.WithNetwork(engine.Networks.Find(MiniDocker.Networks.ContainerNetworks.DefaultName)
                ?? await engine.Networks.CreateAsync(MiniDocker.Networks.ContainerNetworks.DefaultName, MiniDocker.Networks.ContainerNetworks.DefaultSubnet, persistent: true, cancellationToken));
        foreach (var port in ports)
        {
            var spec = port.Split('/');
            var parts = spec[0].Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var hostPort) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var containerPort))
                throw new CliException($"invalid port \"{port}\": give hostPort:containerPort[/tcp|/udp]");
            builder = builder.WithPublishedPort(hostPort, containerPort, spec.Length > 1 && spec[1] == "udp" ? MiniDocker.Networks.PortProtocol.Udp : MiniDocker.Networks.PortProtocol.Tcp);
        }
        if (a.Positional.Count > 1) builder = builder.WithCommand([.. a.Positional.Skip(1)]);
        if (a.Value("--entrypoint") is { } entrypoint)
            builder = entrypoint.Length == 0 ? builder.WithEntrypoint() : builder.WithEntrypoint(entrypoint);
        foreach (var variable in a.Values("-e", "--env"))
        {
            var equals = variable.IndexOf('=');
            builder = equals > 0 ? builder.WithEnvironment(variable[..equals], variable[(equals + 1)..])
                : Environment.GetEnvironmentVariable(variable) is { } value ? builder.WithEnvironment(variable, value) : builder;
        }
        foreach (var volume in a.Values("-v", "--volume"))
        {
            var parts = volume.Split(':');
            if (parts.Length < 2 || !parts[0].StartsWith('/'))
                throw new CliException($"invalid volume \"{volume}\": give /host/path:/container/path[:ro] (named volumes are not supported).");
            builder = builder.WithBindMount(parts[0], parts[1], readOnly: parts.Length > 2 && parts[2] == "ro");
        }
        if (a.Value("-m", "--memory") is { } memory) builder = builder.WithMemoryLimit(ParseBytes(memory));
        if (a.Value("--cpus") is { } cpus) builder = builder.WithCpuLimit(double.Parse(cpus, CultureInfo.InvariantCulture));
        if (a.Value("--pids-limit") is { } pids) builder = builder.WithPidsLimit(long.Parse(pids, CultureInfo.InvariantCulture));
        if (a.Value("--name") is { } name) builder = builder.WithName(name);
        if (a.Value("-w", "--workdir") is { } workdir) builder = builder.WithWorkingDirectory(workdir);
        if (a.Value("-u", "--user") is { } user) builder = builder.WithUser(user);
        if (a.Value("--hostname") is { } hostname) builder = builder.WithHostname(hostname);
        if (a.Has("--init")) builder = builder.WithInit();
        if (a.Value("--restart") is { } restart) builder = builder.WithRestartPolicy(RestartPolicy.Parse(restart));
        if (a.Has("--privileged")) builder = builder.WithPrivileged();
        if (a.Has("--read-only")) builder = builder.WithReadOnlyRootfs();
        if (a.Has("-t", "--tty")) builder = builder.WithTty();
        else if (a.Has("-i", "--interactive")) builder = builder.WithStdin();
        return builder;
    }

    public async Task<int> PsAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("ps", args, ["-a", "--all", "-q", "--quiet", "--no-trunc"], ["-f", "--filter"]);
        var filter = new ContainerFilter { All = a.Has("-a", "--all") };
        foreach (var condition in a.Values("-f", "--filter"))
        {
            try
            {
                filter = filter.With(condition);
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message);
            }
        }
        var list = await engine.Containers.ListAsync(filter, cancellationToken);
        if (a.Has("-q", "--quiet"))
        {
            foreach (var c in list) Console.WriteLine(c.Id[..12]);
            return 0;
        }
        Display.Table(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"],
            list.Select(c => (IReadOnlyList<string>)[
                c.Id[..12], c.Image ?? "<rootfs>", "\"" + Display.Truncate(string.Join(' ', c.Command), 20) + "\"", Display.Ago(c.Created), Status(c),
                // As docker ps: an exited container publishes nothing.
                c.Status is ContainerStatus.Running or ContainerStatus.Paused ? string.Join(", ", c.Ports) : "", c.Name]));
        return 0;
    }

    private static string Status(ContainerInfo c) => c.Status switch
    {
        ContainerStatus.Running => $"Up {Display.Duration(DateTimeOffset.UtcNow - (c.StartedAt ?? c.Created))}",
        ContainerStatus.Paused => $"Up {Display.Duration(DateTimeOffset.UtcNow - (c.StartedAt ?? c.Created))} (Paused)",
        ContainerStatus.Exited => $"Exited ({(c.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "unknown")}) {Display.Ago(c.FinishedAt ?? c.Created)}",
        ContainerStatus.Created => "Created",
        _ => "Unknown: " + c.Error?.Split('.')[0],
    };

    public async Task<int> LogsAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("logs", args, ["-f", "--follow", "-t", "--timestamps"], ["--tail", "-n", "--since", "--until"]);
        if (a.Positional.Count != 1) throw new CliException("\"logs\" requires exactly 1 argument (see 'minidocker logs --help')");
        var tail = a.Value("--tail", "-n");
        var options = new LogOptions
        {
            Tail = tail is null or "all" ? null : int.TryParse(tail, out var n) && n >= 0 ? n : throw new CliException($"invalid value \"{tail}\" for --tail: give a number or all."),
            Since = a.Value("--since") is { } since ? ParseTime(since) : null,
            Until = a.Value("--until") is { } until ? ParseTime(until) : null,
        };
        bool timestamps = a.Has("-t", "--timestamps");
        var name = a.Positional[0];
        if (a.Has("-f", "--follow"))
        {
            var info = await engine.Containers.InspectAsync(name, cancellationToken);
            if (info.Status is ContainerStatus.Running or ContainerStatus.Paused)
            {
                var container = await engine.Containers.GetAsync(name, cancellationToken);
                await WriteLogsAsync(container.FollowLogsAsync(options, cancellationToken), timestamps);
                return 0;
            }
        }
        foreach (var line in await engine.Containers.GetLogsAsync(name, options, cancellationToken)) Write(line, timestamps);
        return 0;
    }

    public async Task<int> ExecAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("exec", args, ["-i", "-t", "-d"], ["-e", "--env", "-w", "--workdir", "-u", "--user"], interspersed: false);
        if (a.Positional.Count < 2) throw new CliException("\"exec\" requires at least 2 arguments (see 'minidocker exec --help')");
        var container = await engine.Containers.GetAsync(a.Positional[0], cancellationToken);
        var environment = a.Values("-e", "--env").Where(v => v.Contains('=')).ToDictionary(v => v[..v.IndexOf('=')], v => v[(v.IndexOf('=') + 1)..]);
        uint? uid = a.Value("-u", "--user") is { } user ? uint.Parse(user.Split(':')[0], CultureInfo.InvariantCulture) : null;
        var options = new ExecOptions
        {
            Environment = environment, WorkingDirectory = a.Value("-w", "--workdir"), Uid = uid,
            Stdin = a.Has("-i"), Tty = a.Has("-t"),
        };
        await using var exec = await container.StartExecAsync([.. a.Positional.Skip(1)], options, cancellationToken);
        if (exec.Stdin is { } stdin && a.Has("-i"))
            _ = Task.Run(async () =>
            {
                await Console.OpenStandardInput().CopyToAsync(stdin, cancellationToken);
                if (!a.Has("-t")) await stdin.DisposeAsync();
            }, cancellationToken);
        var stdout = exec.Stdout.CopyToAsync(Console.OpenStandardOutput(), cancellationToken);
        var stderr = exec.Stderr.CopyToAsync(Console.OpenStandardError(), cancellationToken);
        var code = await exec.WaitAsync(cancellationToken);
        await Task.WhenAll(stdout, stderr);
        return code;
    }

    public Task<int> StopAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("stop", args, [], ["-t", "--time"]);
        var grace = a.Value("-t", "--time") is { } seconds ? TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)) : (TimeSpan?)null;
        return EachAsync("stop", a, async name =>
        {
            var info = await engine.Containers.InspectAsync(name, cancellationToken);
            if (info.Status is ContainerStatus.Running or ContainerStatus.Paused)
                await (await engine.Containers.GetAsync(name, cancellationToken)).StopAsync(grace, cancellationToken);
        });
    }

    public Task<int> KillAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("kill", args, [], ["-s", "--signal"]);
        var text = a.Value("-s", "--signal") ?? "SIGKILL";
        var signal = Enum.TryParse<Signal>(text.StartsWith("SIG", StringComparison.Ordinal) ? text : "SIG" + text, out var s) ? s
            : int.TryParse(text, out var number) ? (Signal)number : throw new CliException($"invalid signal: {text}");
        return EachAsync("kill", a, async name =>
        {
            var container = await engine.Containers.GetAsync(name, cancellationToken);
            if (!await container.KillAsync(signal, cancellationToken)) throw new InvalidOperationException($"Container {name} is not running");
        });
    }

    public Task<int> RemoveAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("rm", args, ["-f", "--force", "-v", "--volumes"], []);
        return EachAsync("rm", a, name => engine.Containers.RemoveAsync(name, a.Has("-f", "--force"), cancellationToken));
    }

    public Task<int> PauseAsync(string[] args, bool pause, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse(pause ? "pause" : "unpause", args, [], []);
        return EachAsync(pause ? "pause" : "unpause", a, async name =>
        {
            var container = await engine.Containers.GetAsync(name, cancellationToken);
            await (pause ? container.PauseAsync(cancellationToken) : container.ResumeAsync(cancellationToken));
        });
    }

    public async Task<int> StatsAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("stats", args, ["--no-stream", "-a", "--all"], []);
        var names = a.Positional.Count > 0 ? a.Positional : [.. (await engine.Containers.ListAsync(cancellationToken: cancellationToken)).Select(c => c.Id)];
        var containers = new List<Container>();
        foreach (var name in names) containers.Add(await engine.Containers.GetAsync(name, cancellationToken));
        var previous = new Dictionary<string, MiniDocker.Cgroups.CgroupStats>();
        // Like docker stats: a table per second until interrupted; once with --no-stream.
        do
        {
            var rows = new List<IReadOnlyList<string>>();
            foreach (var container in containers.Where(c => c.Status is ContainerStatus.Running or ContainerStatus.Paused))
            {
                var stats = await container.GetStatsAsync(cancellationToken);
                var cpu = previous.TryGetValue(container.Id, out var before) ? stats.Since(before).CpuPercent : null;
                previous[container.Id] = stats;
                rows.Add([container.Id[..12], container.Name, cpu is { } c ? c.ToString("F2", CultureInfo.InvariantCulture) + "%" : "--",
                    Display.Size((long)stats.MemoryUsageBytes) + " / " + (stats.MemoryLimitBytes is { } limit ? Display.Size((long)limit) : "unlimited"),
                    stats.PidsCurrent.ToString(CultureInfo.InvariantCulture)]);
            }
            if (!a.Has("--no-stream")) Console.Write("\u001b[2J\u001b[H");
            Display.Table(["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "PIDS"], rows);
            if (a.Has("--no-stream") || rows.Count == 0) break;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
        while (!cancellationToken.IsCancellationRequested);
        return 0;
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var removed = await engine.Containers.PruneAsync(cancellationToken);
        Console.WriteLine("Deleted Containers:");
        foreach (var id in removed) Console.WriteLine(id);
        return 0;
    }

    /// <summary>Runs a command on each container named, printing each name as Docker does; 1 if any failed.</summary>
    private static async Task<int> EachAsync(string command, Arguments a, Func<string, Task> action)
    {
        if (a.Positional.Count == 0) throw new CliException($"\"{command}\" requires at least 1 argument (see 'minidocker {command} --help')");
        int code = 0;
        foreach (var name in a.Positional)
        {
            try
            {
                await action(name);
                Console.WriteLine(name);
            }
            catch (Exception e) when (e is ContainerNotFoundException or InvalidOperationException or MiniDockerException)
            {
                Console.Error.WriteLine($"Error response from daemon: {(e is ContainerNotFoundException missing ? $"No such container: {missing.IdOrName}" : e.Message.Split('\n')[0])}");
                code = ExitCodes.Failure;
            }
        }
        return code;
    }

    private static async Task WriteLogsAsync(IAsyncEnumerable<LogLine> lines, bool timestamps)
    {
        await foreach (var line in lines) Write(line, timestamps);
    }

    private static void Write(LogLine line, bool timestamps)
    {
        var writer = line.Stream == ContainerOutput.Stderr ? Console.Error : Console.Out;
        writer.Write(timestamps ? line.WithTimestamp : line.Text);
        writer.Flush();
    }

    private static DateTimeOffset ParseTime(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        var unit = text[^1];
        if (double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && unit is 's' or 'm' or 'h')
            return DateTimeOffset.UtcNow - (unit == 's' ? TimeSpan.FromSeconds(amount) : unit == 'm' ? TimeSpan.FromMinutes(amount) : TimeSpan.FromHours(amount));
        throw new CliException($"invalid time \"{text}\": give an RFC 3339 time or a duration such as 10m.");
    }

    private static long ParseBytes(string text)
    {
        var unit = char.ToLowerInvariant(text[^1]);
        long factor = unit switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 'b' => 1, _ => 0 };
        var number = factor == 0 ? text : text[..^1];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * (factor == 0 ? 1 : factor)
            : throw new CliException($"invalid size \"{text}\": give a number with an optional b, k, m or g.");
    }
}
