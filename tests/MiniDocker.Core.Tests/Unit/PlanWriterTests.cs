using System.Buffers.Binary;
using System.Text;
using MiniDocker.Execution;

namespace MiniDocker.Tests.Unit;

public sealed class PlanWriterTests
{
    [Fact]
    public void Plan_starts_with_magic_version_and_step_count_and_frames_each_step()
    {
        var bytes = PlanWriter.Write([new SetHostnameStep("box"), new PivotRootStep()]);

        Assert.Equal(PlanWriter.Magic, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(PlanWriter.Version, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal((uint)PlanOpcode.SetHostname, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        // payload: length 3, "box", NUL
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal("box\0", Encoding.UTF8.GetString(bytes, 24, 4));
        Assert.Equal((uint)PlanOpcode.PivotRoot, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(36, bytes.Length);
    }

    [Fact]
    public void Strings_with_NUL_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PlanWriter.Write([new SetHostnameStep("a\0b")]));
        Assert.Contains("NUL", e.Message);
    }

    [Fact]
    public void Opcodes_match_stage0()
    {
        var source = File.ReadAllText(FindStage0Source());
        foreach (var (name, value) in new (string, PlanOpcode)[]
        {
            ("OP_CLONE", PlanOpcode.Clone), ("OP_WAIT_GO", PlanOpcode.WaitForHost), ("OP_SETNS", PlanOpcode.JoinNamespace),
            ("OP_ROOTFS", PlanOpcode.BindRootfs), ("OP_MOUNT", PlanOpcode.Mount), ("OP_BIND", PlanOpcode.BindMount),
            ("OP_PIVOT_ROOT", PlanOpcode.PivotRoot), ("OP_EXEC", PlanOpcode.Exec), ("OP_LOOPBACK_UP", PlanOpcode.LoopbackUp),
        })
        {
            Assert.Contains($"{name} = {(uint)value}", source);
        }
    }

    private static string FindStage0Source()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "MiniDocker.Core", "Native", "stage0.c");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("stage0.c not found above the test directory.");
    }
}
