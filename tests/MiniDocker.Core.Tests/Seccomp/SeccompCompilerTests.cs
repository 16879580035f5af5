using MiniDocker.Security.Capabilities;
using MiniDocker.Security.Seccomp;

namespace MiniDocker.Tests.Seccomp;

/// <summary>Decisions checked by running the compiled BPF (in the interpreter that follows the kernel's semantics).</summary>
public sealed class SeccompCompilerTests
{
    private static readonly SeccompCompileOptions X64 = new() { Architecture = SeccompArchitecture.X86_64, KernelVersion = new Version(6, 1) };
    private static readonly SeccompFilter Default = SeccompProfile.DockerDefault.Compile(X64);

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seccomp", "Fixtures", name));

    [Theory]
    [InlineData("read")]
    [InlineData("write")]
    [InlineData("openat")]
    [InlineData("execve")]
    [InlineData("chown")]
    public void Ordinary_syscalls_are_allowed(string syscall) =>
        Assert.Equal(SeccompAction.Allow, Default.Evaluate(syscall).Action);

    [Theory]
    [InlineData("unshare")]
    [InlineData("mount")]
    [InlineData("keyctl")]
    [InlineData("reboot")]
    [InlineData("kexec_load")]
    [InlineData("bpf")]
    [InlineData("init_module")]
    [InlineData("open_by_handle_at")]
    public void Dangerous_syscalls_fail_with_EPERM(string syscall)
    {
        var verdict = Default.Evaluate(syscall);
        Assert.Equal(SeccompAction.Errno, verdict.Action);
        Assert.Equal(1u, verdict.Data);
    }

    [Fact]
    public void Capability_conditions_follow_the_containers_capabilities()
    {
        var admin = SeccompProfile.DockerDefault.Compile(X64 with { Capabilities = CapabilitySet.DockerDefault.With(Capability.SysAdmin) });
        Assert.Equal(SeccompAction.Allow, admin.Evaluate("mount").Action);
        Assert.Equal(SeccompAction.Allow, admin.Evaluate("unshare").Action);
        Assert.Equal(SeccompAction.Allow, admin.Evaluate("clone3").Action);
        var boot = SeccompProfile.DockerDefault.Compile(X64 with { Capabilities = CapabilitySet.DockerDefault.With(Capability.SysBoot) });
        Assert.Equal(SeccompAction.Allow, boot.Evaluate("reboot").Action);
    }

    [Fact]
    public void Clone3_gets_ENOSYS_so_libc_falls_back_to_clone()
    {
        var verdict = Default.Evaluate("clone3");
        Assert.Equal((SeccompAction.Errno, 38u), (verdict.Action, verdict.Data));
    }

    [Fact]
    public void Clone_is_allowed_for_threads_and_processes_but_not_for_new_namespaces()
    {
        const ulong SigChld = 17, NewNs = 0x00020000, NewUser = 0x10000000, Thread = 0x00010000 | 0x00000100 | 0x00000800;
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("clone", SigChld).Action);
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("clone", Thread).Action);
        Assert.Equal(SeccompAction.Errno, Default.Evaluate("clone", SigChld | NewNs).Action);
        Assert.Equal(SeccompAction.Errno, Default.Evaluate("clone", SigChld | NewUser).Action);
    }

    [Fact]
    public void Argument_conditions_behave_as_written()
    {
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("personality", 0).Action);
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("personality", 0xffffffff).Action);
        Assert.Equal(SeccompAction.Errno, Default.Evaluate("personality", 1).Action);
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("socket", 2).Action);   // AF_INET
        Assert.Equal(SeccompAction.Allow, Default.Evaluate("socket", 16).Action);  // AF_NETLINK
        Assert.Equal(SeccompAction.Errno, Default.Evaluate("socket", 40).Action);  // AF_VSOCK
    }

    [Fact]
    public void A_syscall_newer_than_the_profile_gets_ENOSYS_and_x32_or_a_foreign_architecture_is_killed()
    {
        Assert.Equal((SeccompAction.Errno, 38u), (Default.Evaluate(999).Action, Default.Evaluate(999).Data));
        Assert.Equal(SeccompAction.KillProcess, Default.Evaluate(0x40000000 | 1).Action);
        var arm = SeccompProfile.DockerDefault.Compile(X64 with { Architecture = SeccompArchitecture.AArch64 });
        Assert.Equal(SeccompAction.Allow, arm.Evaluate("openat").Action);
        Assert.Equal(SeccompAction.Errno, arm.Evaluate("mount").Action);
    }

    [Fact]
    public void The_hot_path_is_a_binary_search_not_a_chain()
    {
        int read = Default.Evaluate("read").InstructionsExecuted;
        int futex = Default.Evaluate("futex").InstructionsExecuted;
        int worst = Enumerable.Range(0, 470).Max(nr => Default.Evaluate(nr).InstructionsExecuted);
        Assert.True(Default.SyscallCount > 300, $"Docker's profile should name over 300 syscalls here, got {Default.SyscallCount}.");
        Assert.InRange(read, 1, 30);
        Assert.InRange(futex, 1, 30);
        Assert.InRange(worst, 1, 45);
        Assert.InRange(Default.Length, 100, 4096);
    }

    [Fact]
    public void Unknown_syscalls_for_the_architecture_are_reported()
    {
        Assert.Contains("_llseek", Default.UnknownSyscalls);
        Assert.Contains("fstat64", Default.UnknownSyscalls);
        Assert.DoesNotContain("read", Default.UnknownSyscalls);
    }

    [Theory]
    [InlineData(SeccompOperator.Equal, 0x1_0000_0005UL, new ulong[] { 0x1_0000_0005 }, new ulong[] { 5, 0x2_0000_0005 })]
    [InlineData(SeccompOperator.NotEqual, 0x1_0000_0005UL, new ulong[] { 5, 0x2_0000_0005 }, new ulong[] { 0x1_0000_0005 })]
    [InlineData(SeccompOperator.GreaterThan, 0x1_0000_0000UL, new ulong[] { 0x1_0000_0001, 0x2_0000_0000 }, new ulong[] { 0xffff_ffff, 0x1_0000_0000 })]
    [InlineData(SeccompOperator.GreaterOrEqual, 0x1_0000_0000UL, new ulong[] { 0x1_0000_0000, 0x2_0000_0000 }, new ulong[] { 0xffff_ffff })]
    [InlineData(SeccompOperator.LessThan, 0x1_0000_0000UL, new ulong[] { 0xffff_ffff, 0 }, new ulong[] { 0x1_0000_0000, 0x1_0000_0001 })]
    [InlineData(SeccompOperator.LessOrEqual, 0x1_0000_0000UL, new ulong[] { 0x1_0000_0000, 7 }, new ulong[] { 0x1_0000_0001, 0x2_0000_0000 })]
    public void Sixty_four_bit_comparisons_are_exact_across_the_word_boundary(SeccompOperator op, ulong value, ulong[] allowed, ulong[] denied)
    {
        var filter = Single(new SeccompArgumentCondition(1, value, op)).Compile(X64);
        foreach (var arg in allowed) Assert.Equal(SeccompAction.Allow, filter.Evaluate("write", 0, arg).Action);
        foreach (var arg in denied) Assert.Equal(SeccompAction.Errno, filter.Evaluate("write", 0, arg).Action);
    }

    [Fact]
    public void Masked_equal_compares_the_masked_argument_with_value_two()
    {
        var filter = Single(new SeccompArgumentCondition(0, 0xff00_0000_00ffUL, SeccompOperator.MaskedEqual, 0x1200_0000_0034UL)).Compile(X64);
        Assert.Equal(SeccompAction.Allow, filter.Evaluate("write", 0x12ab_cdef_ff34UL).Action);
        Assert.Equal(SeccompAction.Errno, filter.Evaluate("write", 0x13ab_cdef_ff34UL).Action);
        Assert.Equal(SeccompAction.Errno, filter.Evaluate("write", 0x12ab_cdef_ff35UL).Action);
    }

    [Fact]
    public void Every_action_is_encoded_as_the_kernel_expects()
    {
        foreach (var action in Enum.GetValues<SeccompAction>())
        {
            var profile = new SeccompProfile
            {
                DefaultAction = SeccompAction.Allow,
                Syscalls = [new SeccompRule { Names = ["getpid"], Action = action, ErrnoRet = action == SeccompAction.Errno ? 13u : null }],
            };
            var verdict = profile.Compile(X64).Evaluate("getpid");
            Assert.Equal(action, verdict.Action);
            if (action == SeccompAction.Errno) Assert.Equal(13u, verdict.Data);
        }
    }

    [Fact]
    public void Jumps_beyond_255_instructions_are_assembled_correctly()
    {
        // 200 rules on one syscall, each a 64-bit comparison: the failure targets lie far behind.
        var rules = Enumerable.Range(0, 200)
            .Select(i => new SeccompRule { Names = ["ioctl"], Action = SeccompAction.Errno, ErrnoRet = (uint)(i + 1), Arguments = [new SeccompArgumentCondition(1, (ulong)i * 3, SeccompOperator.Equal)] })
            .Append(new SeccompRule { Names = ["read"], Action = SeccompAction.Errno, ErrnoRet = 99 })
            .ToList();
        var filter = new SeccompProfile { DefaultAction = SeccompAction.Allow, Syscalls = rules }.Compile(X64);
        Assert.True(filter.Length > 600);
        Assert.Equal(1u, filter.Evaluate("ioctl", 0, 0).Data);
        Assert.Equal(200u, filter.Evaluate("ioctl", 0, 597).Data);
        Assert.Equal(SeccompAction.Allow, filter.Evaluate("ioctl", 0, 598).Action);
        Assert.Equal(99u, filter.Evaluate("read").Data);
    }

    [Fact]
    public void Dockers_own_default_json_decides_like_SeccompProfile_DockerDefault()
    {
        var fromFile = SeccompProfile.Parse(Fixture("docker-default.json")).Compile(X64);
        for (int nr = 0; nr < 470; nr++)
        {
            foreach (var arg in new ulong[] { 0, 1, 17, 0x7E020000, 0xffffffff })
                Assert.Equal(Default.Evaluate(nr, arg, arg), fromFile.Evaluate(nr, arg, arg));
        }
    }

    [Theory]
    [InlineData("default-old-format.json")]
    [InlineData("example.json")]
    [InlineData("conditional_include.json")]
    public void The_fixture_profiles_load_and_compile(string name)
    {
        var filter = SeccompProfile.Parse(Fixture(name)).Compile(X64);
        Assert.True(filter.Length > 5);
    }

    [Fact]
    public void Example_json_gives_its_errno_and_masked_clone_rule()
    {
        var filter = SeccompProfile.Parse(Fixture("example.json")).Compile(X64);
        Assert.Equal((SeccompAction.Errno, 4095u), (filter.Evaluate("syslog").Action, filter.Evaluate("syslog").Data)); // 12345 capped to the kernel's 4095
        Assert.Equal(SeccompAction.Allow, filter.Evaluate("clone", 17).Action);
        Assert.Equal(SeccompAction.Errno, filter.Evaluate("clone", 0x00020000).Action);
    }

    [Theory]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","nosuchcall"],"action":"SCMP_ACT_ALLOW"}]}""", "syscalls[0] (\"read\", \"nosuchcall\"): \"nosuchcall\" is not a syscall")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_MAYBE"}]}""", "syscalls[0] (\"read\"): unknown action \"SCMP_ACT_MAYBE\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_ROUGHLY"}]}]}""", "syscalls[0] (\"read\") args[0]: unknown operator \"SCMP_CMP_ROUGHLY\"")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}""", "argument index 6 is out of range")]
    [InlineData("""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["write","read"],"action":"SCMP_ACT_ALLOW"}]}""", "syscalls[1] (\"write\", \"read\"): \"read\" already has a rule with the same arguments and conditions in syscalls[0]")]
    [InlineData("""{"syscalls":[]}""", "the profile: \"defaultAction\" is missing")]
    [InlineData("""{"defaultAction": """, "not valid JSON")]
    public void A_malformed_profile_gets_an_error_naming_the_entry(string json, string expected)
    {
        var e = Assert.Throws<SeccompProfileException>(() => SeccompProfile.Parse(json));
        Assert.Contains(expected, e.Message);
    }

    private static SeccompProfile Single(SeccompArgumentCondition condition) => new()
    {
        DefaultAction = SeccompAction.Errno,
        Syscalls = [new SeccompRule { Names = ["write"], Action = SeccompAction.Allow, Arguments = [condition] }],
    };
}
