using MiniDocker.Cgroups;

namespace MiniDocker.Tests.Cgroups;

public sealed class DeviceProgramTests
{
    [Fact]
    public void Each_rule_is_a_block_that_falls_through_to_the_next_and_the_end_denies()
    {
        var program = DeviceProgram.Compile([new DeviceRule(true, 'c', 1, 3, "rwm"), new DeviceRule(true, 'b', null, null, "m")]);
        // 6 loads, then per rule: [type check], 3 for access, [major], [minor], verdict, exit; then deny and exit.
        Assert.Equal(6 + (1 + 3 + 0 + 0 + 2) + (1 + 3 + 1 + 1 + 2) + 2, program.Length);
        Assert.Equal(0x95UL, program[^1] & 0xff);                 // exit
        Assert.Equal(0xb7UL, program[^2] & 0xff);                 // r0 = 0
        Assert.Equal(0UL, program[^2] >> 32);
        foreach (var (insn, i) in program.Select((x, i) => (x, i)).Where(p => (p.x & 0xff) == 0x55))
        {
            int target = i + (short)((insn >> 16) & 0xffff) + 1;
            Assert.InRange(target, i + 1, program.Length - 2);     // every "no match" lands on a later rule or the final deny
        }
    }

    [Fact]
    public void A_v2_driver_hands_the_rules_to_the_attach_function()
    {
        var fs = new FakeCgroupV2FileSystem();
        var attached = new List<(string, IReadOnlyList<DeviceRule>)>();
        var driver = new CgroupV2Driver(fs, FakeCgroupV2FileSystem.Root, (dir, rules) => attached.Add((dir, rules)));
        driver.Create("c");
        driver.Apply("c", new ResourceLimits { Devices = DeviceRule.DefaultAllowed });
        Assert.Equal(FakeCgroupV2FileSystem.Root + "/c", Assert.Single(attached).Item1);
        Assert.Equal(DeviceRule.DefaultAllowed, attached[0].Item2);
    }
}
