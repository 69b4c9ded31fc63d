using System.Reflection;
using System.Text.RegularExpressions;

namespace Backpack.Gateway.Protocol.Tests;

/// <summary>docs/protocol.md must describe the messages as the code encodes them.</summary>
public partial class ProtocolDocumentationTests
{
    [Fact]
    public void Protocol_doc_lists_every_message_with_its_id_and_fields_in_wire_order()
    {
        string doc = File.ReadAllText(RepositoryFiles.PathOf("docs/protocol.md"));
        var sections = Heading().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => (Id: int.Parse(m.Groups[2].Value), Start: m.Index));

        foreach (var type in MessageRoundTripTests.AllMessageStructs())
        {
            Assert.True(sections.TryGetValue(type.Name, out var section), $"docs/protocol.md has no section for {type.Name}");
            var id = (MessageType)type.GetProperty("Type", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.Equal((int)id, section.Id);

            int end = doc.IndexOf("\n### ", section.Start + 4, StringComparison.Ordinal);
            string body = end < 0 ? doc[section.Start..] : doc[section.Start..end];
            var documented = FieldRow().Matches(body).Select(m => (Index: int.Parse(m.Groups[1].Value), Name: m.Groups[2].Value)).ToList();
            var parameters = type.GetConstructors().Single(c => c.GetParameters().Length > 0).GetParameters().Skip(1).ToList();
            int first = parameters.Count == 0 || type.Namespace!.EndsWith("Commands") ? 1 + CommandHeader.FieldCount : 1 + EventHeader.FieldCount;
            Assert.Equal(parameters.Select((p, i) => (first + i, p.Name!)), documented);
        }
    }

    [GeneratedRegex(@"^### (\w+) \((\d+)\)", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| (\d+) \| (\w+) \|", RegexOptions.Multiline)]
    private static partial Regex FieldRow();
}
