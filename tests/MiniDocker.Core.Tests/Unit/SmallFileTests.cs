using MiniDocker.IO;

namespace MiniDocker.Tests.Unit;

public sealed class SmallFileTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(70_000)]
    public void A_file_of_any_size_is_read_whole(int length)
    {
        var path = Path.Combine(Path.GetTempPath(), "smallfile-" + Guid.NewGuid().ToString("N"));
        var text = new string('x', length) + "é";
        File.WriteAllText(path, text);
        try
        {
            Assert.Equal(text, SmallFile.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_proc_file_without_a_size_is_read_whole()
    {
        // /proc/self/status is larger than the stack buffer and reports a size of 0.
        var text = SmallFile.ReadAllText("/proc/self/status");
        Assert.StartsWith("Name:", text);
        Assert.Contains("\nVmRSS:", text);
        Assert.EndsWith("\n", text);
    }

    [Fact]
    public void A_missing_file_is_reported_as_missing() =>
        Assert.Throws<FileNotFoundException>(() => SmallFile.ReadAllText(Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"))));
}
