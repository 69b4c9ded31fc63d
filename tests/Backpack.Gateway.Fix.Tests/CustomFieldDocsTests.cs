using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// Our custom fields and messages agree in the three places they are written down: the dictionary
/// clients load (fixspec/FIX44.xml), the table of docs/fix.md section 8 (and the custom messages
/// table of section 7), and the gateway's FixTags.
/// </summary>
public partial class CustomFieldDocsTests
{
    private static readonly XDocument Spec = XDocument.Load(RepositoryFiles.PathOf("fixspec/FIX44.xml"));
    private static readonly string Doc = File.ReadAllText(RepositoryFiles.PathOf("docs/fix.md"));

    private static string Section(string heading)
    {
        int start = Doc.IndexOf("\n## " + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/fix.md has no section " + heading);
        int end = Doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return Doc[start..(end < 0 ? Doc.Length : end)];
    }

    [Fact]
    public void Every_custom_field_of_the_dictionary_is_in_the_docs_table_with_its_name_and_type_and_nothing_else_is()
    {
        var spec = Spec.Descendants("fields").Elements("field")
            .Select(f => (Number: int.Parse(f.Attribute("number")!.Value), Name: f.Attribute("name")!.Value, Type: f.Attribute("type")!.Value))
            .Where(f => f.Number >= 5000).OrderBy(f => f.Number).ToList();
        var docs = FieldRow().Matches(Section("8. Custom fields"))
            .Select(m => (Number: int.Parse(m.Groups[1].Value), Name: m.Groups[2].Value, Type: m.Groups[3].Value)).OrderBy(f => f.Number).ToList();
        // 5001-5043 less the reserved 5004 and 5012, Deribit's CancelOnDisconnect 9001, and Binance's 25035 and 25036
        Assert.Equal(43 - 2 + 1 + 2, spec.Count);
        Assert.Equal(spec, docs);
    }

    [Fact]
    public void Every_custom_tag_constant_of_the_gateway_names_the_dictionary_field_of_that_number()
    {
        var byNumber = Spec.Descendants("fields").Elements("field").ToDictionary(f => int.Parse(f.Attribute("number")!.Value), f => f.Attribute("name")!.Value);
        var constants = typeof(FixTags).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && !f.Name.StartsWith("First", StringComparison.Ordinal) && !f.Name.StartsWith("Last", StringComparison.Ordinal))
            .Select(f => (f.Name, Number: (int)f.GetRawConstantValue()!)).ToList();
        Assert.Contains(constants, c => c.Number == 5032);
        Assert.All(constants, c => Assert.Equal((c.Number, c.Name), (c.Number, byNumber.GetValueOrDefault(c.Number))));
    }

    [Fact]
    public void Every_custom_message_is_in_the_dictionary_the_msg_type_enum_and_the_docs()
    {
        var messages = Spec.Descendants("message").Where(m => m.Attribute("msgtype")!.Value.StartsWith('U'))
            .Select(m => (Type: m.Attribute("msgtype")!.Value, Name: m.Attribute("name")!.Value)).ToList();
        Assert.Equal(["U1", "U2", "U3", "U4", "U5", "U6", "U7"], messages.Select(m => m.Type));
        var msgTypeEnum = Spec.Descendants("fields").Elements("field").Single(f => f.Attribute("number")!.Value == "35").Elements("value").Select(v => v.Attribute("enum")!.Value).ToHashSet();
        var docs = MessageRow().Matches(Section("7. Liquidation, ADL and funding over FIX")).Select(m => (Type: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.Equal(messages, docs);
        Assert.All(messages, m => Assert.Contains(m.Type, msgTypeEnum));
    }

    [GeneratedRegex(@"^\| (50\d\d|9001|250\d\d) \| (\w+) \| (\w+) \|", RegexOptions.Multiline)]
    private static partial Regex FieldRow();

    [GeneratedRegex(@"^\| `(U\d)` \| (\w+) \|", RegexOptions.Multiline)]
    private static partial Regex MessageRow();
}
