namespace MiniDocker.Security.Seccomp;

/// <summary>The SCMP_* names of actions and operators, as Docker and the OCI specification write them.</summary>
public static class SeccompNames
{
    /// <summary>SCMP_ACT_ALLOW, SCMP_ACT_ERRNO …</summary>
    public static string Action(SeccompAction action) => SeccompProfileParser.ActionName(action);

    /// <summary>SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ …</summary>
    public static string Operator(SeccompOperator op) => SeccompProfileParser.OperatorName(op);
}
