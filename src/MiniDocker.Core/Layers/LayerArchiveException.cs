namespace MiniDocker.Layers;

/// <summary>
/// A layer archive was refused: an entry that would escape the layer (<c>..</c>, an absolute path,
/// a path through a symlink leading outside, a hardlink to a file outside), an entry type the
/// engine does not unpack, a size the disk cannot take, or a tar that is not one. Nothing of the
/// layer is kept.
/// </summary>
public sealed class LayerArchiveException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public LayerArchiveException(string message, string? entryName = null, Exception? innerException = null)
        : base(message, innerException!)
    {
        EntryName = entryName;
    }

    /// <summary>The archive entry that was refused, when one was.</summary>
    public string? EntryName { get; }
}
