namespace MiniDocker.Cgroups;

/// <summary>
/// One cgroup interface of the kernel. A group is named by a path relative to the driver's base
/// (the host process's own cgroup), such as <c>minidocker/&lt;id&gt;</c>.
/// </summary>
internal interface ICgroupDriver
{
    CgroupVersion Version { get; }

    /// <summary>Whether <see cref="ResourceLimits.Devices"/> is enforced (v1 devices controller).</summary>
    bool EnforcesDeviceRules { get; }

    /// <summary>Where the group lives (on v1 the memory controller's directory): its cgroup.procs lists every process of the group.</summary>
    string Describe(string group);

    /// <summary>Creates the group and its parents, enabling what each level must delegate.</summary>
    void Create(string group);

    /// <summary>Writes the limits that are set; unset values are left as they are.</summary>
    void Apply(string group, ResourceLimits limits);

    /// <summary>
    /// The files a single-threaded process writes "0" to, to move itself into the group (v1's
    /// <c>tasks</c>, one per hierarchy); null where the group is joined otherwise (v2: clone3 into it).
    /// </summary>
    IReadOnlyList<string>? SelfJoinFiles(string group);

    /// <summary>Moves a process (all its threads) into the group.</summary>
    void AddProcess(string group, int pid);

    IReadOnlyList<int> Processes(string group);

    CgroupStats ReadStats(string group);

    /// <summary>Freezes or thaws, and returns once the kernel reports the state reached.</summary>
    Task SetFrozenAsync(string group, bool frozen, CancellationToken cancellationToken);

    /// <summary>Kills every process in the group and returns once it is empty.</summary>
    Task KillAllAsync(string group, CancellationToken cancellationToken);

    /// <summary>Removes an empty group; false while it still has processes.</summary>
    bool Delete(string group);

    /// <summary>The child groups of <paramref name="group"/>, with when each was made.</summary>
    IReadOnlyList<(string Name, DateTimeOffset Created)> Children(string group);

    /// <summary>The group's directory in the unified hierarchy, for clone3(CLONE_INTO_CGROUP); null on v1.</summary>
    string? UnifiedDirectory(string group);
}
