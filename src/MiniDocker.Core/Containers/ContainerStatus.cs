namespace MiniDocker.Containers;

/// <summary>Where a container is in its life.</summary>
public enum ContainerStatus
{
    /// <summary>Its program is running.</summary>
    Running,

    /// <summary>Its processes are frozen (<see cref="Container.PauseAsync"/>).</summary>
    Paused,

    /// <summary>Its first process has ended.</summary>
    Exited,

    /// <summary>It was disposed: stopped, and everything it made is removed.</summary>
    Removed,

    /// <summary>Its state file could not be read; see <see cref="ContainerInfo.Error"/>.</summary>
    Unknown,

    /// <summary>Created (<see cref="ContainerEngine.CreateAsync"/>) and not yet started.</summary>
    Created,
}
