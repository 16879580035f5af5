namespace MiniDocker.Registry;

/// <summary>Where a layer of a pull is.</summary>
public enum PullStatus
{
    /// <summary>Queued behind other downloads.</summary>
    Waiting,

    /// <summary>The store had it: nothing to download.</summary>
    AlreadyExists,

    /// <summary>Bytes are arriving.</summary>
    Downloading,

    /// <summary>Downloaded and verified against its digest.</summary>
    Downloaded,

    /// <summary>Being unpacked.</summary>
    Extracting,

    /// <summary>Unpacked and ready.</summary>
    Complete,
}
