namespace MiniDocker.Registry;

/// <summary>What happened to a blob of a push.</summary>
public enum PushStatus
{
    /// <summary>The registry had it already.</summary>
    AlreadyExists,

    /// <summary>The registry copied it from another repository of its own (cross-repository mount).</summary>
    Mounted,

    /// <summary>Bytes are going up.</summary>
    Uploading,

    /// <summary>Uploaded and accepted.</summary>
    Pushed,
}
