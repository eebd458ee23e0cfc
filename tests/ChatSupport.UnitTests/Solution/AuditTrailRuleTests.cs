namespace ChatSupport.UnitTests.Solution;

/// <summary>Issue 15: audit rows have one writer (<c>AuditTrail.Audit</c>), so every row is cut and named the same way.</summary>
public sealed class AuditTrailRuleTests
{
    [Fact]
    public void NoCodeButTheAuditTrail_BuildsAnAuditRow()
    {
        var writers = Directory.EnumerateFiles(RepoPaths.Of("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"new\s+AuditRow\b|AuditLog\s*\.\s*Add"))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
            .ToList();
        Assert.Equal(["src/ChatSupport.Persistence/AuditTrail.cs"], writers);
    }
}
