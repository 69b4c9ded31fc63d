using System.Xml.Linq;

namespace Backpack.Gateway.Fix.Dictionary;

/// <summary>How a field's value is checked (FIX data types, grouped by their syntax).</summary>
public enum FixValueKind : byte
{
    Text,
    Int,
    Decimal,
    Char,
    Boolean,
    UtcTimestamp,
    UtcTimeOnly,
    Date,
    MonthYear,
    Data,
    MultipleValue,
}

public sealed class FieldDefinition
{
    public required int Tag { get; init; }
    public required string Name { get; init; }
    public required string Type
    {
        get => _type;
        init
        {
            _type = value;
            IsGroupCount = value == "NUMINGROUP";
        }
    }

    public required FixValueKind Kind { get; init; }

    /// <summary>True for NUMINGROUP fields (a repeating group's count).</summary>
    public bool IsGroupCount { get; private init; }

    /// <summary>Allowed values (empty: any value of the type).</summary>
    public byte[][] Enums
    {
        get => _enums;
        init
        {
            _enums = value;
            _singleCharEnums = value.Length > 0 && Array.TrueForAll(value, e => e.Length == 1 && e[0] < 128);
            foreach (byte[] e in value)
            {
                if (e.Length == 1 && e[0] < 128) _charBits[e[0] >> 6] |= 1UL << (e[0] & 63);
            }
        }
    }

    private readonly string _type = "";
    private readonly byte[][] _enums = [];
    // The single-character enum values as a 128-bit set (most FIX enums are one character).
    private readonly ulong[] _charBits = new ulong[2];
    private readonly bool _singleCharEnums;

    public bool IsEnumValue(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < 128) return (_charBits[value[0] >> 6] & (1UL << (value[0] & 63))) != 0;
        if (_singleCharEnums) return false;
        foreach (byte[] e in _enums)
        {
            if (value.SequenceEqual(e)) return true;
        }
        return false;
    }
}

/// <summary>A repeating group: its count tag, the delimiter (first field of each entry) and what an entry may hold.</summary>
public sealed class GroupDefinition
{
    public required int CountTag { get; init; }
    public required int Delimiter { get; init; }
    public required HashSet<int> Members { get; init; }
    public required HashSet<int> Required { get; init; }
    public required Dictionary<int, GroupDefinition> Groups { get; init; }
}

/// <summary>A message: the fields it may carry at top level, which are required, and its groups (components expanded).</summary>
public sealed class MessageDefinition
{
    public required string MsgType { get; init; }
    public required string Name { get; init; }
    public required bool IsAdmin { get; init; }
    /// <summary>Top-level body tags the message may carry.</summary>
    public required HashSet<int> Fields
    {
        get => _fields;
        init
        {
            _fields = value;
            // A flat table, built once with the definition: no hashing per field when validating.
            _allows = new bool[FixDictionary.TagTableSize];
            foreach (int tag in value)
            {
                if (tag < _allows.Length) _allows[tag] = true;
            }
        }
    }

    public required HashSet<int> Required
    {
        get => _required;
        init
        {
            _required = value;
            RequiredTags = value.Order().ToArray();
        }
    }

    public required Dictionary<int, GroupDefinition> Groups { get; init; }

    /// <summary><see cref="Required"/> in tag order.</summary>
    public int[] RequiredTags { get; private init; } = [];

    private readonly HashSet<int> _fields = [];
    private readonly HashSet<int> _required = [];
    private readonly bool[] _allows = [];

    /// <summary>Whether a top-level body tag belongs to the message.</summary>
    public bool Allows(int tag) => tag < _allows.Length ? _allows[tag] : _fields.Contains(tag);
}

/// <summary>
/// A FIX data dictionary loaded from QuickFIX's XML format (fixspec/FIX44.xml): fields with types
/// and enums, the header and trailer, and each message with its components expanded in place.
/// Every inbound message is validated against it (<see cref="FixValidator"/>).
/// </summary>
public sealed class FixDictionary
{
    private readonly Dictionary<int, FieldDefinition> _fields = [];
    private readonly Dictionary<string, MessageDefinition> _messages = new(StringComparer.Ordinal);
    /// <summary>Tags below this are looked up in flat tables; above it (rare) through sets.</summary>
    public const int TagTableSize = 10_000;

    private readonly FieldDefinition?[] _fieldsByTag = new FieldDefinition?[TagTableSize];
    private readonly byte[] _roles = new byte[TagTableSize];
    private int[] _headerRequired = [];

    private FixDictionary(string beginString) => BeginString = beginString;

    public string BeginString { get; }
    public HashSet<int> HeaderFields { get; } = [];
    public HashSet<int> HeaderRequired { get; } = [];
    public HashSet<int> TrailerFields { get; } = [];
    public HashSet<int> TrailerRequired { get; } = [];
    public Dictionary<int, GroupDefinition> HeaderGroups { get; } = [];

    public IReadOnlyCollection<MessageDefinition> Messages => _messages.Values;

    /// <summary>Where a tag belongs: 1 header, 2 trailer, 0 body (or unknown).</summary>
    public byte RoleOf(int tag) =>
        (uint)tag < TagTableSize ? _roles[tag] : HeaderFields.Contains(tag) ? (byte)1 : TrailerFields.Contains(tag) ? (byte)2 : (byte)0;

    public int[] HeaderRequiredTags => _headerRequired;

    public FieldDefinition? Field(int tag) =>
        (uint)tag < (uint)_fieldsByTag.Length ? _fieldsByTag[tag] : _fields.GetValueOrDefault(tag);

    public MessageDefinition? Message(ReadOnlySpan<byte> msgType)
    {
        // Message types are 1-2 ASCII characters: look them up without allocating.
        return msgType.Length switch
        {
            1 => _byOneChar[msgType[0]],
            2 => _byTwoChars.GetValueOrDefault((msgType[0] << 8) | msgType[1]),
            _ => null,
        };
    }

    public MessageDefinition? Message(string msgType) => _messages.GetValueOrDefault(msgType);

    /// <summary>True when the value is a message type of the standard (one of MsgType(35)'s values), whether or not it is defined here as a message.</summary>
    public bool IsKnownMsgType(ReadOnlySpan<byte> msgType) =>
        Message(msgType) is not null || Field(35) is { Enums.Length: > 0 } field && field.IsEnumValue(msgType);

    private readonly MessageDefinition?[] _byOneChar = new MessageDefinition?[256];
    private readonly Dictionary<int, MessageDefinition> _byTwoChars = [];

    public static FixDictionary Load(string path)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(path);
        }
        catch (Exception e) when (e is IOException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            throw new FormatException($"FIX dictionary {path}: {e.Message}", e);
        }
        return Parse(doc, path);
    }

    public static FixDictionary Parse(XDocument doc, string source = "dictionary")
    {
        var root = doc.Root ?? throw new FormatException($"{source}: empty");
        var dict = new FixDictionary($"{root.Attribute("type")?.Value ?? "FIX"}.{root.Attribute("major")?.Value}.{root.Attribute("minor")?.Value}");
        var byName = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        foreach (var f in root.Element("fields")?.Elements("field") ?? [])
        {
            string type = f.Attribute("type")?.Value ?? "STRING";
            var def = new FieldDefinition
            {
                Tag = int.Parse(f.Attribute("number")!.Value),
                Name = f.Attribute("name")!.Value,
                Type = type,
                Kind = KindOf(type),
                Enums = f.Elements("value").Select(v => System.Text.Encoding.ASCII.GetBytes(v.Attribute("enum")!.Value)).ToArray(),
            };
            if (!byName.TryAdd(def.Name, def) || !dict._fields.TryAdd(def.Tag, def)) throw new FormatException($"{source}: field {def.Name} ({def.Tag}) defined twice");
            if (def.Tag < dict._fieldsByTag.Length) dict._fieldsByTag[def.Tag] = def;
        }
        var components = (root.Element("components")?.Elements("component") ?? []).ToDictionary(c => c.Attribute("name")!.Value);

        int TagOf(string name) => byName.TryGetValue(name, out var d) ? d.Tag : throw new FormatException($"{source}: unknown field {name}");

        // Expands fields, components and groups of an element into the sets of one level.
        void Expand(XElement element, bool required, HashSet<int> fields, HashSet<int> requiredFields, Dictionary<int, GroupDefinition> groups, List<int>? order)
        {
            foreach (var child in element.Elements())
            {
                bool childRequired = required && child.Attribute("required")?.Value == "Y";
                string name = child.Attribute("name")!.Value;
                switch (child.Name.LocalName)
                {
                    case "field":
                        int tag = TagOf(name);
                        fields.Add(tag);
                        order?.Add(tag);
                        if (childRequired) requiredFields.Add(tag);
                        break;
                    case "component":
                        if (!components.TryGetValue(name, out var component)) throw new FormatException($"{source}: unknown component {name}");
                        Expand(component, childRequired, fields, requiredFields, groups, order);
                        break;
                    case "group":
                        int countTag = TagOf(name);
                        fields.Add(countTag);
                        order?.Add(countTag);
                        if (childRequired) requiredFields.Add(countTag);
                        var members = new HashSet<int>();
                        var memberOrder = new List<int>();
                        var groupRequired = new HashSet<int>();
                        var nested = new Dictionary<int, GroupDefinition>();
                        Expand(child, true, members, groupRequired, nested, memberOrder);
                        if (memberOrder.Count == 0) throw new FormatException($"{source}: group {name} is empty");
                        groups[countTag] = new GroupDefinition { CountTag = countTag, Delimiter = memberOrder[0], Members = members, Required = groupRequired, Groups = nested };
                        break;
                }
            }
        }

        Expand(root.Element("header") ?? new XElement("header"), true, dict.HeaderFields, dict.HeaderRequired, dict.HeaderGroups, null);
        Expand(root.Element("trailer") ?? new XElement("trailer"), true, dict.TrailerFields, dict.TrailerRequired, new(), null);
        foreach (int tag in dict.HeaderFields.Where(t => t < TagTableSize)) dict._roles[tag] = 1;
        foreach (int tag in dict.TrailerFields.Where(t => t < TagTableSize)) dict._roles[tag] = 2;
        dict._headerRequired = dict.HeaderRequired.Order().ToArray();
        foreach (var m in root.Element("messages")?.Elements("message") ?? [])
        {
            var fields = new HashSet<int>();
            var required = new HashSet<int>();
            var groups = new Dictionary<int, GroupDefinition>();
            Expand(m, true, fields, required, groups, null);
            var def = new MessageDefinition
            {
                MsgType = m.Attribute("msgtype")!.Value,
                Name = m.Attribute("name")!.Value,
                IsAdmin = m.Attribute("msgcat")?.Value == "admin",
                Fields = fields,
                Required = required,
                Groups = groups,
            };
            dict._messages[def.MsgType] = def;
            if (def.MsgType.Length == 1) dict._byOneChar[def.MsgType[0]] = def;
            else if (def.MsgType.Length == 2) dict._byTwoChars[(def.MsgType[0] << 8) | def.MsgType[1]] = def;
        }
        return dict;
    }

    private static FixValueKind KindOf(string type) => type switch
    {
        "INT" or "LENGTH" or "SEQNUM" or "NUMINGROUP" or "TAGNUM" or "DAYOFMONTH" => FixValueKind.Int,
        "FLOAT" or "QTY" or "PRICE" or "PRICEOFFSET" or "AMT" or "PERCENTAGE" => FixValueKind.Decimal,
        "CHAR" => FixValueKind.Char,
        "BOOLEAN" => FixValueKind.Boolean,
        "UTCTIMESTAMP" => FixValueKind.UtcTimestamp,
        "UTCTIMEONLY" => FixValueKind.UtcTimeOnly,
        "UTCDATEONLY" or "UTCDATE" or "LOCALMKTDATE" => FixValueKind.Date,
        "MONTHYEAR" => FixValueKind.MonthYear,
        "DATA" or "XMLDATA" => FixValueKind.Data,
        "MULTIPLEVALUESTRING" or "MULTIPLESTRINGVALUE" or "MULTIPLECHARVALUE" => FixValueKind.MultipleValue,
        _ => FixValueKind.Text,
    };
}
