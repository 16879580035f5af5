namespace MiniDocker.Layers;

/// <summary>What an OCI whiteout entry (<c>.wh.name</c>, <c>.wh..wh..opq</c>) becomes when a layer is unpacked.</summary>
internal enum WhiteoutMode
{
    /// <summary>
    /// The layer is unpacked alone, as an overlayfs lower directory: a whiteout becomes a 0:0
    /// character device and an opaque directory gets <c>trusted.overlay.opaque=y</c>.
    /// </summary>
    Overlay,

    /// <summary>The layer is unpacked over the layers below it (copy mode): whiteouts delete what they name.</summary>
    Apply,
}
