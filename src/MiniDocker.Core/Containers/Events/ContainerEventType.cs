namespace MiniDocker.Containers.Events;

/// <summary>What happened to a container, as <c>docker events</c> names it.</summary>
public enum ContainerEventType
{
    /// <summary>Its state was made.</summary>
    Created,

    /// <summary>Its program runs.</summary>
    Started,

    /// <summary>Its first process ended (<see cref="ContainerEvent.ExitCode"/> says how).</summary>
    Died,

    /// <summary>The kernel's OOM killer ended a process in it.</summary>
    Oom,

    /// <summary>Its processes were frozen.</summary>
    Paused,

    /// <summary>Its processes were thawed.</summary>
    Resumed,

    /// <summary>It was removed with everything it made.</summary>
    Destroyed,
}
