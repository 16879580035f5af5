namespace MiniDocker.Namespaces;

/// <summary>The kinds of Linux namespace a container can have of its own.</summary>
public enum NamespaceType
{
    /// <summary>Process ids: the container's first process is PID 1 and sees no host process.</summary>
    Pid,

    /// <summary>The mount table: the container's mounts are invisible to the host.</summary>
    Mount,

    /// <summary>Hostname and NIS domain name.</summary>
    Uts,

    /// <summary>System V IPC objects and POSIX message queues.</summary>
    Ipc,

    /// <summary>Network devices, addresses, routes and ports.</summary>
    Network,

    /// <summary>The view of the cgroup hierarchy.</summary>
    Cgroup,

    /// <summary>User and group ids, and the capabilities that go with them.</summary>
    User,

    /// <summary>The boot-time and monotonic clocks.</summary>
    Time,
}
