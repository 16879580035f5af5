namespace MiniDocker.Cgroups;

/// <summary>
/// A cgroup a host application manages directly: create it, set limits, put any process in it,
/// read its counters, freeze it, kill everything in it, delete it. Containers use the same type.
/// Paths are relative to the calling process's own cgroup, which is the part of the hierarchy
/// it may manage.
/// </summary>
public sealed class Cgroup : IAsyncDisposable
{
    private readonly ICgroupDriver _driver;
    private bool _deleted;

    internal Cgroup(ICgroupDriver driver, string path)
    {
        _driver = driver;
        Path = path;
    }

    /// <summary>The cgroup interface this host uses (hybrid hosts use v1).</summary>
    public static CgroupVersion HostVersion => CgroupDrivers.Host.Version;

    /// <summary>The path relative to this process's own cgroup, such as <c>minidocker/jobs</c>.</summary>
    public string Path { get; }

    /// <summary>Where the cgroup is on the filesystem (its memory hierarchy directory on v1).</summary>
    public string Location => _driver.Describe(Path);

    /// <summary>The cgroup interface this cgroup belongs to.</summary>
    public CgroupVersion Version => _driver.Version;

    /// <summary>Creates (or opens) a cgroup and applies <paramref name="limits"/>.</summary>
    /// <exception cref="ContainerConfigurationException">A limit is out of range; nothing was created.</exception>
    /// <exception cref="CgroupException">The kernel refused; the message names the file and value.</exception>
    public static Cgroup Create(string path, ResourceLimits? limits = null) => Create(CgroupDrivers.Host, path, limits);

    internal static Cgroup Create(ICgroupDriver driver, string path, ResourceLimits? limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Split('/').Any(p => p is ".." or "."))
            throw new ContainerConfigurationException($"The cgroup path \"{path}\" contains \".\" or \"..\"; give a plain relative path such as minidocker/jobs.");
        var relative = path.Trim('/');
        if (limits is not null) ResourceLimitsValidator.Validate(limits, HostResources.Current);
        try
        {
            CreateRacing(driver, relative);
        }
        catch (CgroupException)
        {
            // Made in some hierarchies before one refused: those go too, so the host is as it was.
            driver.Delete(relative);
            throw;
        }
        var cgroup = new Cgroup(driver, relative);
        try
        {
            if (limits is not null) driver.Apply(relative, limits);
        }
        catch
        {
            driver.Delete(relative);
            throw;
        }
        return cgroup;
    }

    /// <summary>
    /// Creates the group; when another engine removed an (empty) parent between this one making
    /// it and making the child, ENOENT (or ENODEV from a file opened just before) says so, and the
    /// path is made again.
    /// </summary>
    private static void CreateRacing(ICgroupDriver driver, string relative)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                driver.Create(relative);
                return;
            }
            catch (CgroupException e) when (e.Errno is Interop.Errno.ENOENT or Interop.Errno.ENODEV && attempt < 100)
            {
            }
        }
    }

    /// <summary>Moves a process (with all its threads) into this cgroup.</summary>
    public void AddProcess(int pid) => _driver.AddProcess(Path, pid);

    /// <summary>The processes in this cgroup.</summary>
    public IReadOnlyList<int> GetProcesses() => _driver.Processes(Path);

    /// <summary>Changes limits; values left null stay as they are.</summary>
    /// <exception cref="ContainerConfigurationException">A limit is out of range, or a memory limit is below what is in use now.</exception>
    public void Update(ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ResourceLimitsValidator.Validate(limits, HostResources.Current);
        if (limits.MemoryBytes is { } memory && _driver.ReadStats(Path).MemoryUsageBytes is var usage && (ulong)memory < usage)
            throw new ContainerConfigurationException($"The new memory limit {memory} bytes is below the {usage} bytes the cgroup uses now; the kernel would have to reclaim or kill. Give at least {usage}.");
        _driver.Apply(Path, limits);
    }

    /// <summary>Reads the cgroup's counters.</summary>
    public CgroupStats GetStats() => _driver.ReadStats(Path);

    /// <summary>Freezes every process, returning once the kernel reports them frozen.</summary>
    public Task FreezeAsync(CancellationToken cancellationToken = default) => _driver.SetFrozenAsync(Path, true, cancellationToken);

    /// <summary>Thaws every process, returning once the kernel reports them running.</summary>
    public Task ThawAsync(CancellationToken cancellationToken = default) => _driver.SetFrozenAsync(Path, false, cancellationToken);

    /// <summary>Kills every process in the cgroup and returns once it is empty.</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => _driver.KillAllAsync(Path, cancellationToken);

    /// <summary>Kills what is left in the cgroup and removes it.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (_deleted) return;
        await _driver.KillAllAsync(Path, cancellationToken).ConfigureAwait(false);
        // rmdir can still see the last exiting task for a while after cgroup.procs is empty
        // (a killed process is uncharged as it finishes exiting, which a busy machine delays).
        for (int attempt = 0; !_driver.Delete(Path); attempt++)
        {
            if (attempt == 1000)
                throw new CgroupException($"The cgroup {Location} could not be removed within 5 s: it still has processes or child cgroups.");
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        _deleted = true;
    }

    /// <summary>Deletes the cgroup.</summary>
    public async ValueTask DisposeAsync() => await DeleteAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => Location;
}
