using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>
/// One instruction for stage-0. A step is plain data: it knows its opcode, how to write its
/// arguments, and how to read as the kernel operation it performs, for <c>Explain()</c>,
/// for debug logs and for error messages.
/// </summary>
internal abstract record PlanStep
{
    public abstract PlanOpcode Opcode { get; }

    /// <summary>The kernel operation(s), e.g. <c>sethostname("box")</c>.</summary>
    public abstract string Describe();

    public abstract void WritePayload(PlanWriter writer);

    /// <summary>Turns the errno stage-0 reported for this step into an exception that says what to do.</summary>
    public virtual ContainerStartException Failure(int errno) =>
        new($"Starting the container failed at {Describe()}: {Errno.Describe(errno)}.{Advice(errno)}", Describe(), errno);

    protected virtual string Advice(int errno) => "";

    /// <summary>A C string literal, so a rendered plan stays one line per step.</summary>
    protected static string Quote(string value) => "\"" + value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}
