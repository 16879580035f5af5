using MiniDocker.Execution;
using MiniDocker.Namespaces;
using MiniDocker.Security.Capabilities;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

public sealed partial class Container
{

    /// <summary>
    /// Runs a command inside the running container — in its namespaces, as its user, with its
    /// environment unless <paramref name="options"/> says otherwise — and returns its output
    /// once it has ended (like <c>docker exec</c>). For stdin, a terminal or output as it comes,
    /// use <see cref="StartExecAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The container is not running.</exception>
    /// <exception cref="ContainerCommandNotFoundException">The command does not exist in the container.</exception>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Output goes to files, not pipes: the result comes when the command ends, even if
        // something it started in the background keeps its stdout open.
        var name = Guid.NewGuid().ToString("N")[..12];
        var stdoutPath = Path.Combine(StateDirectory, $"exec-{name}.stdout");
        var stderrPath = Path.Combine(StateDirectory, $"exec-{name}.stderr");
        try
        {
            LaunchedProcess launched;
            using (var stdin = OutputFile.OpenNull())
            using (var stdout = OutputFile.Open(stdoutPath))
            using (var stderr = OutputFile.Open(stderrPath))
            {
                launched = await LaunchExecAsync(command, (options ?? new ExecOptions()) with { Tty = false, Stdin = false },
                    new StdioHandles(stdin, stdout, stderr), cancellationToken).ConfigureAwait(false);
            }
            using var child = launched.Process;
            ExitStatus status;
            try
            {
                status = await child.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                child.Signal((int)Signal.SIGKILL);
                await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            return new ExecResult(status.ShellCode,
                await File.ReadAllTextAsync(stdoutPath, cancellationToken).ConfigureAwait(false),
                await File.ReadAllTextAsync(stderrPath, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            File.Delete(stdoutPath);
            File.Delete(stderrPath);
        }
    }

    /// <summary>
    /// Starts a command inside the running container and returns at once: its output streams as it
    /// is written, its stdin (with <see cref="ExecOptions.Stdin"/>) and a terminal (with
    /// <see cref="ExecOptions.Tty"/>) are there to use, and <see cref="ContainerExec.WaitAsync"/> gives the exit code.
    /// Works on containers re-attached from another engine too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The container is not running.</exception>
    /// <exception cref="ContainerCommandNotFoundException">The command does not exist in the container.</exception>
    public async Task<ContainerExec> StartExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ExecOptions();
        var (stdoutRead, stdoutWrite) = Pipes.Create();
        var (stderrRead, stderrWrite) = Pipes.Create();
        var (stdinRead, stdinWrite) = options.Stdin && !options.Tty ? Pipes.Create() : (OutputFile.OpenNull(), null);
        LaunchedProcess launched;
        try
        {
            using (stdinRead)
            using (stdoutWrite)
            using (stderrWrite)
            {
                launched = await LaunchExecAsync(command, options, new StdioHandles(stdinRead, stdoutWrite, stderrWrite), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            stdoutRead.Dispose();
            stderrRead.Dispose();
            stdinWrite?.Dispose();
            throw;
        }
        if (launched.TerminalMaster is { } master)
        {
            // The terminal carries everything: output, input; the pipes stay empty.
            stdoutRead.Dispose();
            var terminal = ToStream(master, FileAccess.ReadWrite);
            return new ContainerExec(launched.Process, new TerminalReadStream(terminal), ToStream(stderrRead, FileAccess.Read), terminal, terminal);
        }
        return new ContainerExec(launched.Process, ToStream(stdoutRead, FileAccess.Read), ToStream(stderrRead, FileAccess.Read),
            stdinWrite is null ? null : ToStream(stdinWrite, FileAccess.Write));
    }

    private Task<LaunchedProcess> LaunchExecAsync(IReadOnlyList<string> command, ExecOptions options, StdioHandles stdio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_removed, this);
        if (_exit.IsCompleted)
            throw new InvalidOperationException($"Container {Name} is not running ({_exit.Result}); exec needs a running container.");
        if (_paused)
            throw new InvalidOperationException($"Container {Name} is paused; resume it before exec.");
        var process = ExecProcess(command, options) with { Terminal = options.Tty };
        var namespaces = (Spec.Linux?.Namespaces ?? []).Select(n => NamespaceTypeExtensions.FromOciName(n.Type)).ToHashSet();
        var plan = SpawnPlanner.ForExec(Pid, namespaces, process, dieWithHost: !_definition.Detached,
            Cgroup.Version == Cgroups.CgroupVersion.V2 ? Cgroup.Location : null, Spec.Linux?.Seccomp, _definition.Landlock, _engine.SelfJoin(Cgroup.Path));
        return _engine.Launcher.LaunchAsync(plan, stdio, ContainerEngine.JoinCgroup(Cgroup, plan), cancellationToken);
    }

    private static FileStream ToStream(Interop.SafeFd fd, FileAccess access)
    {
        var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: true), access, 1);
        fd.SetHandleAsInvalid();
        return stream;
    }

    private ProcessSpec ExecProcess(IReadOnlyList<string> command, ExecOptions options)
    {
        var main = Spec.Process!;
        var environment = main.Env
            .Select(e => e.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        foreach (var (key, value) in options.Environment) environment[key] = value;
        var user = options.Uid is { } uid
            ? new UserSpec { Uid = uid, Gid = options.Gid, AdditionalGids = [.. options.Groups], Umask = main.User.Umask }
            : main.User;
        // Another user gets the container's bounding set with that user's effective sets.
        var capabilities = main.Capabilities is { } caps && user.Uid != main.User.Uid
            ? LinuxCapabilitiesSpec.From(ProcessCapabilities.ForUser(caps.ToCapabilities().Bounding, user.Uid))
            : main.Capabilities;
        return new ProcessSpec
        {
            Args = [.. command],
            Env = [.. environment.Select(kv => $"{kv.Key}={kv.Value}")],
            Cwd = options.WorkingDirectory ?? main.Cwd,
            User = user,
            Capabilities = capabilities,
            ApparmorProfile = main.ApparmorProfile,
            SelinuxLabel = main.SelinuxLabel,
            NoNewPrivileges = main.NoNewPrivileges,
        };
    }
}
