namespace MiniDocker.Layers;

/// <summary>How a container's root filesystem is made from its image's layers.</summary>
public enum StorageDriver
{
    /// <summary>overlayfs where the kernel has it, copies otherwise.</summary>
    Auto,

    /// <summary>
    /// overlayfs: the shared, unpacked layers as lower directories under a writable upper
    /// directory of the container's own. Starting costs no copying; commit reads the upper directory.
    /// </summary>
    Overlay,

    /// <summary>Each container gets its own copy of the layers, unpacked again: slow, but works on any filesystem.</summary>
    Copy,
}
