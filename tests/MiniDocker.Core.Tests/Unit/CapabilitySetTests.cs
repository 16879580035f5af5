using MiniDocker.Security.Capabilities;

namespace MiniDocker.Tests.Unit;

public sealed class CapabilitySetTests
{
    [Fact]
    public void Docker_default_is_the_fourteen_capabilities_docker_grants()
    {
        Assert.Equal(14, CapabilitySet.DockerDefault.Count);
        Assert.Equal(0xa80425fbUL, CapabilitySet.DockerDefault.Mask);
        Assert.False(CapabilitySet.DockerDefault.Contains(Capability.SysAdmin));
    }

    [Theory]
    [InlineData("CAP_NET_RAW", Capability.NetRaw)]
    [InlineData("net_admin", Capability.NetAdmin)]
    [InlineData("SYS_ADMIN", Capability.SysAdmin)]
    [InlineData("CAP_CHECKPOINT_RESTORE", Capability.CheckpointRestore)]
    public void Names_parse_as_docker_and_the_oci_spec_write_them(string name, Capability expected) =>
        Assert.Equal(expected, CapabilitySet.Parse(name));

    [Fact]
    public void An_unknown_name_says_what_a_name_looks_like()
    {
        var e = Assert.Throws<FormatException>(() => CapabilitySet.Parse("CAP_FLY"));
        Assert.Contains("\"CAP_FLY\" is not a Linux capability", e.Message);
    }

    [Fact]
    public void Kernel_names_round_trip()
    {
        foreach (var capability in Enum.GetValues<Capability>())
            Assert.Equal(capability, CapabilitySet.Parse(CapabilitySet.KernelName(capability)));
        Assert.Equal("CAP_DAC_READ_SEARCH", CapabilitySet.KernelName(Capability.DacReadSearch));
    }

    [Fact]
    public void All_covers_every_capability_the_kernel_knows()
    {
        Assert.Equal(CapabilitySet.LastCap + 1, CapabilitySet.All.Count);
        Assert.True(CapabilitySet.All.Contains(Capability.SysAdmin));
    }

    [Fact]
    public void Sets_are_immutable()
    {
        var without = CapabilitySet.DockerDefault.Without(Capability.NetRaw);
        Assert.True(CapabilitySet.DockerDefault.Contains(Capability.NetRaw));
        Assert.False(without.Contains(Capability.NetRaw));
        Assert.Equal(13, without.Count);
    }
}
