using MiniDocker.UserNamespaces;

namespace MiniDocker.Tests.Unit;

public sealed class SubordinateIdsTests
{
    [Fact]
    public void The_users_first_range_is_found_by_name_or_uid()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# comment\nalice:100000:65536\n1001:200000:1000\nalice:300000:10\n");
            Assert.Equal(new IdMapping(0, 100000, 65536), SubordinateIds.Find(file, "alice", 1000));
            Assert.Equal(new IdMapping(0, 200000, 1000), SubordinateIds.Find(file, "bob", 1001));
            Assert.Null(SubordinateIds.Find(file, "carol", 1002));
            Assert.Null(SubordinateIds.Find("/nonexistent/subuid", "alice", 1000));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
