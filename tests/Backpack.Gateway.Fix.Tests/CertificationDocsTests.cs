using System.Reflection;
using System.Text.RegularExpressions;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// The certification table of docs/fix.md (section 10) holds: every FIX 4.4 Volume 2 session
/// test case has a row, every test a row names exists in this assembly as a [Fact] or [Theory],
/// a row without a test says why, and the counts under the table are the table's.
/// </summary>
public partial class CertificationDocsTests
{
    // Section first: static fields are set in the order written, and ReadRows sets it.
    private static string Section = "";
    private static readonly List<(string Case, string Covered)> Rows = ReadRows();

    private static List<(string Case, string Covered)> ReadRows()
    {
        string doc = File.ReadAllText(RepositoryFiles.PathOf("docs/fix.md"));
        int start = doc.IndexOf("\n## 10. Certification", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/fix.md has no section 10. Certification");
        int end = doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        Section = doc[start..(end < 0 ? doc.Length : end)];
        return Row().Matches(Section).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
    }

    [Fact]
    public void Every_volume_2_session_test_case_has_one_row()
    {
        var cases = Rows.Select(r => r.Case).ToList();
        Assert.Equal(cases.Distinct().Count(), cases.Count);
        Assert.Contains("1B", cases);
        Assert.Contains(cases, c => c.StartsWith("1S ", StringComparison.Ordinal));
        for (int number = 2; number <= 20; number++)
        {
            Assert.Contains(cases, c => Regex.IsMatch(c, $"^{number}[a-z]?$"));
        }
    }

    [Fact]
    public void Every_test_the_table_names_exists_as_a_fact_or_theory()
    {
        var types = typeof(CertificationDocsTests).Assembly.GetTypes().ToLookup(t => t.Name);
        int named = 0;
        foreach (var (id, covered) in Rows)
        {
            foreach (Match test in TestName().Matches(covered))
            {
                named++;
                string type = test.Groups[1].Value, method = test.Groups[2].Value;
                var found = types[type].Select(t => t.GetMethod(method, BindingFlags.Public | BindingFlags.Instance)).FirstOrDefault(m => m is not null);
                Assert.True(found is not null, $"case {id}: {type}.{method} is not a test method of this assembly");
                Assert.True(found!.GetCustomAttributes<FactAttribute>(inherit: true).Any(), $"case {id}: {type}.{method} is not a [Fact] or [Theory]");
            }
        }
        Assert.True(named >= Rows.Count / 2, $"only {named} tests named in {Rows.Count} rows: the table did not parse");
    }

    [Fact]
    public void A_row_without_a_test_says_why_and_the_counts_under_the_table_are_the_tables()
    {
        var uncovered = Rows.Where(r => !TestName().IsMatch(r.Covered)).ToList();
        foreach (var (id, covered) in uncovered)
        {
            Assert.Matches("^not covered: .{10,}", covered); // a reason, not just the words
        }
        string counts = $"Of the {Rows.Count} cases, {Rows.Count - uncovered.Count} are covered and {uncovered.Count} are not ({string.Join(", ", uncovered.Select(r => r.Case))}).";
        Assert.Contains(counts, Section);
    }

    [GeneratedRegex(@"^\| (1B|1S [a-z]|\d{1,2}[a-z]?) \| [^|]+ \| (.+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"`([A-Za-z]+Tests?)\.([A-Za-z0-9_]+)`")]
    private static partial Regex TestName();
}
