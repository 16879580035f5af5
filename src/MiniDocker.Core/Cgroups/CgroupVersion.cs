namespace MiniDocker.Cgroups;

/// <summary>The two cgroup interfaces of the Linux kernel.</summary>
public enum CgroupVersion
{
    /// <summary>One hierarchy per controller (memory, cpu, pids …), as on older and hybrid hosts.</summary>
    V1 = 1,

    /// <summary>The unified hierarchy, the default on current distributions.</summary>
    V2 = 2,
}
