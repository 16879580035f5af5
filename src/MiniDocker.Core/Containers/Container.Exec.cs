using MiniDocker.Execution;
using MiniDocker.Namespaces;
using MiniDocker.Security.Capabilities;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

public sealed partial class Container
{
    private int _execCount;

    /// <summary>
    /// Runs a command inside the running container — in its namespaces, as its user, with its
    /// environment unless <paramref name="options"/> says otherwise — and returns its output
    /// once it has ended (like <c>docker exec</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The container is not running.</exception>
    /// <exception cref="ContainerCommandNotFoundException">The command does not exist in the container.</exception>
    public async Task<ExecResult> ExecAsync(IReadOnlyList<string> command, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ObjectDisposedException.ThrowIf(_removed, this);
        if (_exit.IsCompleted)
            throw new InvalidOperationException($"Container {Name} is not running ({_exit.Result}); exec needs a running container.");
        if (_paused)
            throw new InvalidOperationException($"Container {Name} is paused; resume it before exec.");
        options ??= new ExecOptions();

        var process = ExecProcess(command, options);
        var namespaces = (Spec.Linux?.Namespaces ?? []).Select(n => NamespaceTypeExtensions.FromOciName(n.Type)).ToHashSet();
        var plan = SpawnPlanner.ForExec(Pid, namespaces, process, dieWithHost: !_definition.Detached,
            Cgroup.Version == Cgroups.CgroupVersion.V2 ? Cgroup.Location : null, Spec.Linux?.Seccomp, _definition.Landlock);

        int n = Interlocked.Increment(ref _execCount);
        var stdoutPath = Path.Combine(StateDirectory, $"exec-{n}.stdout");
        var stderrPath = Path.Combine(StateDirectory, $"exec-{n}.stderr");
        try
        {
            LaunchedProcess launched;
            using (var stdin = OutputFile.OpenNull())
            using (var stdout = OutputFile.Open(stdoutPath))
            using (var stderr = OutputFile.Open(stderrPath))
            {
                launched = await _engine.Launcher.LaunchAsync(plan, new StdioHandles(stdin, stdout, stderr), ContainerEngine.JoinCgroup(Cgroup), cancellationToken).ConfigureAwait(false);
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
