using MiniDocker.Execution;
using static MiniDocker.Execution.MountFlags;

namespace MiniDocker.Tests.Unit;

public sealed class MountOptionsTests
{
    [Fact]
    public void Flags_and_data_are_split_as_mount_8_does()
    {
        var options = MountOptions.Parse(["nosuid", "nodev", "ro", "mode=755", "size=64k", "rprivate"]);
        Assert.Equal(MS_NOSUID | MS_NODEV | MS_RDONLY, options.Flags);
        Assert.Equal("mode=755,size=64k", options.Data);
        Assert.False(options.Bind);
    }

    [Fact]
    public void Later_options_override_earlier_ones()
    {
        Assert.Equal(0UL, MountOptions.Parse(["ro", "rw"]).Flags & MS_RDONLY);
        Assert.Equal(MS_NOEXEC, MountOptions.Parse(["exec", "noexec"]).Flags);
    }

    [Fact]
    public void Rbind_is_a_recursive_bind_with_attributes()
    {
        var options = MountOptions.Parse(["rbind", "ro", "noexec"]);
        Assert.True(options.Bind);
        Assert.True(options.Recursive);
        Assert.Equal(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC, options.BindAttributes());
    }
}
