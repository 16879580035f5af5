using MiniDocker.Cgroups;
using MiniDocker.Interop;
using static MiniDocker.Tests.Cgroups.FakeCgroupV2FileSystem;

namespace MiniDocker.Tests.Cgroups;

/// <summary>The v2 driver against a model of cgroupfs: this host runs v1, so v2's limits cannot be exercised on a real kernel here.</summary>
public sealed class CgroupV2DriverTests
{
    private readonly FakeCgroupV2FileSystem _fs = new();
    private readonly CgroupV2Driver _driver;

    public CgroupV2DriverTests() => _driver = new CgroupV2Driver(_fs, Root);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Create_delegates_the_controllers_down_to_the_container()
    {
        _driver.Create("minidocker/c1");

        Assert.Equal(["cpuset", "cpu", "io", "memory", "pids"], _fs[Root].SubtreeControl.Order().Reverse().OrderBy(c => Array.IndexOf(CgroupV2Driver.Controllers, c)));
        Assert.Equal(_fs[Root].SubtreeControl, _fs[Root + "/minidocker"].SubtreeControl);
        Assert.True(_fs.FileExists(Root + "/minidocker/c1/memory.max"));
        Assert.True(_fs.FileExists(Root + "/minidocker/c1/pids.max"));
    }

    [Fact]
    public void Create_enables_only_the_controllers_the_parent_has()
    {
        var fs = new FakeCgroupV2FileSystem("memory pids");
        var driver = new CgroupV2Driver(fs, Root);
        driver.Create("minidocker/c1");
        Assert.Equal(["memory", "pids"], fs[Root + "/minidocker"].Controllers.Order());
        Assert.False(fs.FileExists(Root + "/minidocker/c1/cpu.max"));

        var e = Assert.Throws<CgroupException>(() => driver.Apply("minidocker/c1", new ResourceLimits { Cpus = 1 }));
        Assert.Contains("The cpu controller is not enabled for /fake/cgroup/minidocker/c1", e.Message);
    }

    [Fact]
    public void A_parent_with_processes_cannot_delegate_and_the_error_says_what_to_do()
    {
        _fs.CreateDirectory(Root + "/service");
        _fs[Root].SubtreeControl.UnionWith(["memory", "pids"]);
        _fs[Root + "/service"].Controllers = ["memory", "pids"];
        _fs[Root + "/service"].Processes.Add(4242);
        var driver = new CgroupV2Driver(_fs, Root + "/service");

        var e = Assert.Throws<CgroupException>(() => driver.Create("minidocker/c1"));

        Assert.Contains("holds processes", e.Message);
        Assert.Contains("no-internal-processes", e.Message);
        Assert.Contains("MiniDockerOptions.CgroupParent", e.Message);
        Assert.Equal(Errno.EBUSY, ((CgroupException)e.InnerException!).Errno);
    }

    [Fact]
    public void Every_limit_is_mapped_to_its_file()
    {
        _driver.Create("c");
        _driver.Apply("c", new ResourceLimits
        {
            MemoryBytes = 64 << 20,
            MemorySwapBytes = 96 << 20,
            MemoryReservationBytes = 32 << 20,
            MemoryHighBytes = 60 << 20,
            Cpus = 0.5,
            CpuShares = 512,
            CpusetCpus = "0-1",
            CpusetMems = "0",
            PidsLimit = 20,
            BlockIoWeight = 500,
        });

        var values = _fs[Root + "/c"].Values;
        Assert.Equal("67108864", values["memory.max"]);
        Assert.Equal("33554432", values["memory.swap.max"]);  // memory+swap minus memory
        Assert.Equal("33554432", values["memory.low"]);
        Assert.Equal("62914560", values["memory.high"]);
        Assert.Equal("50000 100000", values["cpu.max"]);
        Assert.Equal("20", values["cpu.weight"]);              // 1 + (512-2)*9999/262142
        Assert.Equal("0-1", values["cpuset.cpus"]);
        Assert.Equal("0", values["cpuset.mems"]);
        Assert.Equal("20", values["pids.max"]);
        Assert.Equal("default 4950", values["io.weight"]);     // 1 + (500-10)*9999/990
    }

    [Fact]
    public void Unlimited_values_are_written_as_max()
    {
        _driver.Create("c");
        _driver.Apply("c", new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = -1, CpuPeriodMicroseconds = 50_000 });
        Assert.Equal("max", _fs[Root + "/c"].Values["memory.swap.max"]);
        Assert.Equal("max 50000", _fs[Root + "/c"].Values["cpu.max"]);
    }

    [Fact]
    public void A_device_throttle_is_one_io_max_line()
    {
        var device = FindBlockDevice();
        if (device is null) Assert.Skip("No block device under /dev to name in an io.max line.");
        _driver.Create("c");
        _driver.Apply("c", new ResourceLimits { BlockIoDeviceLimits = [new BlockIoDeviceLimit(device, ReadBytesPerSecond: 1048576, WriteOperationsPerSecond: 100)] });
        Assert.Matches(@"^\d+:\d+ rbps=1048576 wiops=100$", _fs[Root + "/c"].Values["io.max"]);
    }

    [Fact]
    public void A_value_the_kernel_refuses_names_the_file_the_value_and_the_errno()
    {
        _driver.Create("c");
        var e = Assert.Throws<CgroupException>(() => _fs.WriteFile(Root + "/c/cpu.max", "10 100000"));
        Assert.Equal($"Writing \"10 100000\" to {Root}/c/cpu.max failed: EINVAL (Invalid argument). The kernel does not accept this value for this file.", e.Message);
        Assert.Equal(Errno.EINVAL, e.Errno);
    }

    [Fact]
    public async Task Freeze_waits_for_cgroup_events_and_thaw_undoes_it()
    {
        _driver.Create("c");
        _driver.AddProcess("c", 100);
        await _driver.SetFrozenAsync("c", true, Cancel);
        Assert.Contains("frozen 1", _fs.ReadFile(Root + "/c/cgroup.events"));
        await _driver.SetFrozenAsync("c", false, Cancel);
        Assert.Contains("frozen 0", _fs.ReadFile(Root + "/c/cgroup.events"));
    }

    [Fact]
    public async Task Kill_uses_cgroup_kill_and_the_empty_group_can_be_deleted()
    {
        _driver.Create("c");
        _driver.AddProcess("c", 100);
        _driver.AddProcess("c", 101);
        Assert.False(_driver.Delete("c"));

        await _driver.KillAllAsync("c", Cancel);

        Assert.Contains($"{Root}/c/cgroup.kill=1", _fs.Writes);
        Assert.Empty(_driver.Processes("c"));
        Assert.True(_driver.Delete("c"));
        Assert.False(_fs.DirectoryExists(Root + "/c"));
    }

    [Fact]
    public void Stats_read_the_v2_files_in_the_common_units()
    {
        _driver.Create("c");
        _driver.AddProcess("c", 100);
        _driver.Apply("c", new ResourceLimits { MemoryBytes = 64 << 20, PidsLimit = 10 });
        _fs[Root + "/c"].OomKills = 2;

        var stats = _driver.ReadStats("c");

        Assert.Equal(1UL << 20, stats.MemoryUsageBytes);
        Assert.Equal(64UL << 20, stats.MemoryLimitBytes);
        Assert.Equal(2_500_000UL, stats.CpuUsageNanoseconds);
        Assert.Equal(3UL, stats.CpuThrottledPeriods);
        Assert.Equal(1_500_000UL, stats.CpuThrottledNanoseconds);
        Assert.Equal(1UL, stats.PidsCurrent);
        Assert.Equal(10UL, stats.PidsLimit);
        Assert.Equal(4096UL, stats.BlockIoReadBytes);
        Assert.Equal(8192UL, stats.BlockIoWriteBytes);
        Assert.Equal(2UL, stats.OomKills);
    }

    [Fact]
    public void The_unified_directory_is_where_clone3_puts_the_child()
    {
        Assert.Equal(Root + "/minidocker/c1", _driver.UnifiedDirectory("minidocker/c1"));
    }

    internal static string? FindBlockDevice() =>
        Directory.Exists("/sys/block")
            ? Directory.EnumerateDirectories("/sys/block").Select(d => "/dev/" + Path.GetFileName(d)).FirstOrDefault(File.Exists)
            : null;
}
