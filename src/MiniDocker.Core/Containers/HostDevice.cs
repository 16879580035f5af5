using MiniDocker.Interop;
using MiniDocker.Spec;

namespace MiniDocker.Containers;

/// <summary>Reads a host device node's type and numbers, to recreate it in a container.</summary>
internal static class HostDevice
{
    public static DeviceSpec Of(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            throw new ContainerConfigurationException($"The device path \"{path}\" is relative; give the host device, such as /dev/fuse.");
        var node = DeviceNode.Stat(path, out var errno)
            ?? throw new ContainerConfigurationException($"The device {path} does not exist on the host ({Errno.Describe(errno)}).");
        var type = node.FileType switch
        {
            DeviceNode.CharacterDevice => "c",
            DeviceNode.BlockDevice => "b",
            _ => throw new ContainerConfigurationException($"{path} is not a character or block device."),
        };
        return new DeviceSpec { Path = path, Type = type, Major = node.Major, Minor = node.Minor, FileMode = node.Permissions };
    }
}
