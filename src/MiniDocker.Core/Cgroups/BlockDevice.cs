using MiniDocker.Interop;

namespace MiniDocker.Cgroups;

/// <summary>The major:minor number of a block device, which is how cgroup files name it.</summary>
internal readonly record struct BlockDevice(uint Major, uint Minor)
{
    public override string ToString() => $"{Major}:{Minor}";

    /// <exception cref="ContainerConfigurationException">The path is not a block device on the host.</exception>
    public static BlockDevice Of(string path)
    {
        var node = DeviceNode.Stat(path, out var errno)
            ?? throw new ContainerConfigurationException($"The block device {path} does not exist on the host ({Errno.Describe(errno)}); give a device such as /dev/vda.");
        if (node.FileType != DeviceNode.BlockDevice)
            throw new ContainerConfigurationException($"{path} is not a block device; I/O limits apply to block devices such as /dev/vda.");
        return new BlockDevice(node.Major, node.Minor);
    }
}
