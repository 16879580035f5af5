using MiniDocker.Cgroups;

namespace MiniDocker.Tests.Cgroups;

public sealed class ResourceLimitsValidatorTests
{
    private static readonly HostResources TwoCpus = new(new HashSet<int> { 0, 1 }, new HashSet<int> { 0 });

    [Theory]
    [InlineData("memory-zero", "is not positive")]
    [InlineData("memory-negative", "is not positive")]
    [InlineData("memory-tiny", "is too small")]
    [InlineData("swap-below-memory", "is below the memory limit")]
    [InlineData("cpus-above-host", "this host has 2 CPUs")]
    [InlineData("cpus-zero", "give more than 0")]
    [InlineData("cpuset-missing-cpu", "names CPU 5, which this host does not have")]
    [InlineData("cpuset-garbage", "is not a list like 0-3,5")]
    [InlineData("shares", "give 2 to 262144")]
    [InlineData("period", "the kernel takes 1000 to 1000000")]
    [InlineData("pids", "must be positive")]
    [InlineData("blkio-weight", "give 10 to 1000")]
    [InlineData("blkio-device", "does not exist on the host")]
    public void Out_of_range_limits_are_refused_before_any_cgroup_is_touched(string which, string expected)
    {
        var limits = which switch
        {
            "memory-zero" => new ResourceLimits { MemoryBytes = 0 },
            "memory-negative" => new ResourceLimits { MemoryBytes = -5 },
            "memory-tiny" => new ResourceLimits { MemoryBytes = 4096 },
            "swap-below-memory" => new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = 32 << 20 },
            "cpus-above-host" => new ResourceLimits { Cpus = 3 },
            "cpus-zero" => new ResourceLimits { Cpus = 0 },
            "cpuset-missing-cpu" => new ResourceLimits { CpusetCpus = "0,5" },
            "cpuset-garbage" => new ResourceLimits { CpusetCpus = "a-b" },
            "shares" => new ResourceLimits { CpuShares = 1 },
            "period" => new ResourceLimits { CpuPeriodMicroseconds = 10 },
            "pids" => new ResourceLimits { PidsLimit = 0 },
            "blkio-weight" => new ResourceLimits { BlockIoWeight = 5 },
            _ => new ResourceLimits { BlockIoDeviceLimits = [new BlockIoDeviceLimit("/dev/nonexistent-disk", ReadBytesPerSecond: 1)] },
        };
        var e = Assert.Throws<ContainerConfigurationException>(() => ResourceLimitsValidator.Validate(limits, TwoCpus));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Limits_within_range_pass()
    {
        ResourceLimitsValidator.Validate(new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = -1, Cpus = 2, CpusetCpus = "0-1", PidsLimit = 1 }, TwoCpus);
    }

    [Fact]
    public void Builder_limits_go_into_the_oci_spec_and_back()
    {
        var spec = new Containers.ContainerBuilder().WithRootfs("/").WithCommand("/bin/true")
            .WithMemoryLimit(64 << 20, 128 << 20).WithCpuLimit(0.5).WithPidsLimit(20).WithCpuShares(512)
            .Build().Spec;
        Assert.Equal(64L << 20, spec.Linux!.Resources!.Memory!.Limit);
        Assert.Equal(50_000, spec.Linux.Resources.Cpu!.Quota);
        Assert.Contains("\"resources\": {", spec.ToJson());
        var limits = ResourceLimitsMapping.FromSpec(Spec.RuntimeSpec.FromJson(spec.ToJson()).Linux!.Resources);
        Assert.Equal(64L << 20, limits.MemoryBytes);
        Assert.Equal(128L << 20, limits.MemorySwapBytes);
        Assert.Equal(50_000, limits.CpuQuotaMicroseconds);
        Assert.Equal(20, limits.PidsLimit);
        Assert.Equal(512UL, limits.CpuShares);
    }
}
