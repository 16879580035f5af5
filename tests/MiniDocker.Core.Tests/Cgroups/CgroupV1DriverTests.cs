using MiniDocker.Cgroups;

namespace MiniDocker.Tests.Cgroups;

public sealed class CgroupV1DriverTests
{
    private readonly RecordingCgroupFileSystem _fs = new();
    private readonly CgroupV1Driver _driver;

    public CgroupV1DriverTests()
    {
        var bases = new Dictionary<string, string>
        {
            ["memory"] = "/cg/memory/own", ["cpu"] = "/cg/cpu,cpuacct", ["cpuacct"] = "/cg/cpu,cpuacct",
            ["cpuset"] = "/cg/cpuset", ["pids"] = "/cg/pids", ["blkio"] = "/cg/blkio", ["freezer"] = "/cg/freezer",
        };
        foreach (var dir in bases.Values) _fs.AddDirectory(dir);
        _fs.Files["/cg/cpuset/cpuset.cpus"] = "0-1\n";
        _fs.Files["/cg/cpuset/cpuset.mems"] = "0\n";
        _driver = new CgroupV1Driver(_fs, bases);
    }

    [Fact]
    public void Create_makes_one_directory_per_hierarchy_and_fills_the_new_cpusets()
    {
        _driver.Create("minidocker/c1");
        Assert.True(_fs.DirectoryExists("/cg/memory/own/minidocker/c1"));
        Assert.True(_fs.DirectoryExists("/cg/cpu,cpuacct/minidocker/c1"));
        Assert.Equal("0-1", _fs.Files["/cg/cpuset/minidocker/cpuset.cpus"]);
        Assert.Equal("0-1", _fs.Files["/cg/cpuset/minidocker/c1/cpuset.cpus"]);
        Assert.Equal("0", _fs.Files["/cg/cpuset/minidocker/c1/cpuset.mems"]);
    }

    [Fact]
    public void Every_limit_is_mapped_to_its_file()
    {
        _driver.Create("c");
        _driver.Apply("c", new ResourceLimits
        {
            MemoryBytes = 64 << 20, MemorySwapBytes = 96 << 20, MemoryReservationBytes = 32 << 20,
            Cpus = 1.5, CpuWeight = 100, CpusetCpus = "1", PidsLimit = 20,
        });
        Assert.Equal("67108864", _fs.Files["/cg/memory/own/c/memory.limit_in_bytes"]);
        Assert.Equal("100663296", _fs.Files["/cg/memory/own/c/memory.memsw.limit_in_bytes"]);
        Assert.Equal("33554432", _fs.Files["/cg/memory/own/c/memory.soft_limit_in_bytes"]);
        Assert.Equal("100000", _fs.Files["/cg/cpu,cpuacct/c/cpu.cfs_period_us"]);
        Assert.Equal("150000", _fs.Files["/cg/cpu,cpuacct/c/cpu.cfs_quota_us"]);
        Assert.Equal("2597", _fs.Files["/cg/cpu,cpuacct/c/cpu.shares"]);  // 2 + (100-1)*262142/9999
        Assert.Equal("1", _fs.Files["/cg/cpuset/c/cpuset.cpus"]);
        Assert.Equal("20", _fs.Files["/cg/pids/c/pids.max"]);
    }

    [Fact]
    public void AddProcess_writes_every_hierarchy_once()
    {
        _driver.Create("c");
        _driver.AddProcess("c", 42);
        var procs = _fs.Writes.Where(w => w.EndsWith("/cgroup.procs=42", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, procs.Count); // memory, cpu+cpuacct (one mount), cpuset, pids, blkio, freezer
    }

    [Fact]
    public void Memory_high_is_refused_on_v1_with_a_reason()
    {
        _driver.Create("c");
        var e = Assert.Throws<CgroupException>(() => _driver.Apply("c", new ResourceLimits { MemoryHighBytes = 1 << 30 }));
        Assert.Contains("only in cgroup v2", e.Message);
    }

    [Theory]
    [InlineData(1024UL, 39UL)]
    [InlineData(2UL, 1UL)]
    [InlineData(262144UL, 10000UL)]
    public void Shares_convert_to_weights_as_runc_and_crun_do(ulong shares, ulong weight) =>
        Assert.Equal(weight, WeightConversion.CpuSharesToWeight(shares));

    [Fact]
    public void Mounts_and_own_cgroups_are_read_from_proc()
    {
        var mounts = CgroupMounts.Parse(
            [
                "30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw",
                "31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct",
                "32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
            ],
            ["4:memory:/process_api/x", "3:cpu,cpuacct:/", "0::/"]);
        Assert.Equal(CgroupVersion.V1, mounts.Version);
        Assert.Equal(("/sys/fs/cgroup/memory", "/process_api/x"), mounts.V1["memory"]);
        Assert.Equal(("/sys/fs/cgroup/cpu,cpuacct", "/"), mounts.V1["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/unified", mounts.V2Mount);

        var pure = CgroupMounts.Parse(["30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw"], ["0::/user.slice"]);
        Assert.Equal(CgroupVersion.V2, pure.Version);
        Assert.Equal("/user.slice", pure.V2Path);
    }
}
