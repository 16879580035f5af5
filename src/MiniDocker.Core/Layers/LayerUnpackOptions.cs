namespace MiniDocker.Layers;

/// <summary>How a layer archive is unpacked.</summary>
internal sealed record LayerUnpackOptions
{
    private static readonly bool IsRoot = Tmds.Linux.LibC.geteuid() == 0;

    public WhiteoutMode Whiteouts { get; init; } = WhiteoutMode.Overlay;

    /// <summary>Entries keep their uid and gid (only root can give files away).</summary>
    public bool PreserveOwnership { get; init; } = IsRoot;

    /// <summary>Character and block devices are created (CAP_MKNOD); otherwise they are left out, as rootless Docker does.</summary>
    public bool DeviceNodes { get; init; } = IsRoot;

    /// <summary>No single file may claim more than this; the disk's free space is checked as well.</summary>
    public long MaxEntryBytes { get; init; } = 1L << 40;
}
