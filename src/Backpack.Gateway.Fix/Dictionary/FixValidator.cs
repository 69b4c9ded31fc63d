using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Dictionary;

/// <summary>SessionRejectReason(373) values the gateway uses (FIX 4.4).</summary>
public enum SessionRejectReason
{
    InvalidTagNumber = 0,
    RequiredTagMissing = 1,
    TagNotDefinedForMessageType = 2,
    UndefinedTag = 3,
    TagSpecifiedWithoutValue = 4,
    ValueIsIncorrect = 5,
    IncorrectDataFormat = 6,
    CompIdProblem = 9,
    SendingTimeAccuracyProblem = 10,
    InvalidMsgType = 11,
    TagAppearsMoreThanOnce = 13,
    TagSpecifiedOutOfRequiredOrder = 14,
    RepeatingGroupFieldsOutOfOrder = 15,
    IncorrectNumInGroupCount = 16,
}

/// <summary>Why a message failed validation: the session Reject to send (RefTagID 0 when none applies).</summary>
public readonly record struct ValidationFailure(SessionRejectReason Reason, int RefTagId, string Text);

/// <summary>
/// Checks an inbound message against the dictionary as the reference engines do: every tag is a
/// number the dictionary knows, has a value of its type (and one of its enums), belongs to the
/// message, appears once (outside groups), header fields come first and the trailer last, group
/// entries start with the group's delimiter and their number matches NumInGroup, and every
/// required header and body field is present. One instance per reader (it keeps scratch state);
/// allocation-free on success.
/// </summary>
public sealed class FixValidator
{
    private readonly FixDictionary _dictionary;
    private readonly int[] _seen = new int[10_000];
    private readonly HashSet<int> _seenHigh = [];
    private int _stamp;

    public FixValidator(FixDictionary dictionary) => _dictionary = dictionary;

    public FixDictionary Dictionary => _dictionary;

    /// <summary>
    /// Validates a framed, parsed message. The message type must be one the dictionary defines
    /// (the session answers other types with a Reject 11 or a BusinessMessageReject). Returns null when valid.
    /// </summary>
    public ValidationFailure? Validate(FixMessage m, MessageDefinition message)
    {
        if (m.BadTagField >= 0) return new ValidationFailure(SessionRejectReason.InvalidTagNumber, m.Field(m.BadTagField).Tag, "Invalid tag number");
        NextStamp();
        int phase = 0; // 0 header, 1 body, 2 trailer
        int count = m.FieldCount;
        int i = 3; // 8, 9 and 35 were checked when the message was framed
        MarkSeen(FixTags.BeginString);
        MarkSeen(FixTags.BodyLength);
        MarkSeen(FixTags.MsgType);
        while (i < count)
        {
            int tag = m.Field(i).Tag;
            if (tag == FixTags.CheckSum)
            {
                if (i != count - 1) return new ValidationFailure(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, tag, "CheckSum must be the last field");
                MarkSeen(tag);
                break;
            }
            var failure = CheckField(m, i, out FieldDefinition? def);
            if (failure is not null) return failure;
            switch (_dictionary.RoleOf(tag))
            {
                case 1:
                    if (phase != 0) return new ValidationFailure(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, tag, "Header field after the body");
                    break;
                case 2:
                    phase = 2;
                    break;
                default:
                    if (phase == 2) return new ValidationFailure(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, tag, "Body field after the trailer");
                    phase = 1;
                    if (!message.Allows(tag)) return new ValidationFailure(SessionRejectReason.TagNotDefinedForMessageType, tag, "Tag not defined for this message type");
                    break;
            }
            if (Seen(tag)) return new ValidationFailure(SessionRejectReason.TagAppearsMoreThanOnce, tag, "Tag appears more than once");
            MarkSeen(tag);
            if (def!.IsGroupCount && (phase == 0 ? _dictionary.HeaderGroups : message.Groups).TryGetValue(tag, out var group))
            {
                var groupFailure = ValidateGroup(m, ref i, group);
                if (groupFailure is not null) return groupFailure;
            }
            else
            {
                i++;
            }
        }
        foreach (int tag in _dictionary.HeaderRequiredTags)
        {
            if (!Seen(tag)) return new ValidationFailure(SessionRejectReason.RequiredTagMissing, tag, "Required tag missing");
        }
        foreach (int tag in message.RequiredTags)
        {
            if (!Seen(tag)) return new ValidationFailure(SessionRejectReason.RequiredTagMissing, tag, "Required tag missing");
        }
        return null;
    }

    /// <summary>
    /// The header fields the session reads before anything else (SenderCompID, TargetCompID,
    /// SendingTime): each present and not empty, as QuickFIX requires before its CompID and time
    /// checks. Null when they are; else reason 1 (missing) or 4 (empty) naming the field.
    /// </summary>
    public static ValidationFailure? CheckSessionHeader(FixMessage m)
    {
        foreach (int tag in (ReadOnlySpan<int>)[FixTags.SenderCompID, FixTags.TargetCompID, FixTags.SendingTime])
        {
            if (!m.TryGet(tag, out var value)) return new ValidationFailure(SessionRejectReason.RequiredTagMissing, tag, "Required tag missing");
            if (value.IsEmpty) return new ValidationFailure(SessionRejectReason.TagSpecifiedWithoutValue, tag, "Tag specified without a value");
        }
        return null;
    }

    /// <summary>Checks the entries of a group whose count field is at <paramref name="i"/>; leaves <paramref name="i"/> after the group.</summary>
    private ValidationFailure? ValidateGroup(FixMessage m, ref int i, GroupDefinition group)
    {
        FixValues.TryParseInt(m.Value(i), out int expected);
        int countTag = group.CountTag;
        i++;
        int entries = 0;
        while (i < m.FieldCount && group.Members.Contains(m.Field(i).Tag))
        {
            int tag = m.Field(i).Tag;
            if (tag == group.Delimiter) entries++;
            else if (entries == 0) return new ValidationFailure(SessionRejectReason.RepeatingGroupFieldsOutOfOrder, countTag, $"Group {countTag}'s first entry does not start with its delimiter {group.Delimiter}");
            var failure = CheckField(m, i, out _);
            if (failure is not null) return failure;
            if (group.Groups.TryGetValue(tag, out var nested))
            {
                failure = ValidateGroup(m, ref i, nested);
                if (failure is not null) return failure;
            }
            else
            {
                i++;
            }
        }
        if (entries != expected) return new ValidationFailure(SessionRejectReason.IncorrectNumInGroupCount, countTag, "Incorrect NumInGroup count for repeating group");
        return null;
    }

    /// <summary>Known tag, non-empty value of the right syntax, one of the enums.</summary>
    private ValidationFailure? CheckField(FixMessage m, int index, out FieldDefinition? def)
    {
        int tag = m.Field(index).Tag;
        var value = m.Value(index);
        def = _dictionary.Field(tag);
        if (value.IsEmpty) return new ValidationFailure(SessionRejectReason.TagSpecifiedWithoutValue, tag, "Tag specified without a value");
        // As QuickFIX: a tag the dictionary does not define (a user-defined number included) is an invalid tag number.
        if (def is null) return new ValidationFailure(SessionRejectReason.InvalidTagNumber, tag, "Invalid tag number");
        if (!HasValidSyntax(def.Kind, value)) return new ValidationFailure(SessionRejectReason.IncorrectDataFormat, tag, "Incorrect data format for value");
        if (def.Enums.Length > 0 && !IsAllowed(def, value)) return new ValidationFailure(SessionRejectReason.ValueIsIncorrect, tag, "Value is incorrect (out of range) for this tag");
        return null;
    }

    private static bool IsAllowed(FieldDefinition def, ReadOnlySpan<byte> value)
    {
        if (def.Kind != FixValueKind.MultipleValue) return def.IsEnumValue(value);
        foreach (var range in value.Split((byte)' '))
        {
            if (!def.IsEnumValue(value[range])) return false;
        }
        return true;
    }

    internal static bool HasValidSyntax(FixValueKind kind, ReadOnlySpan<byte> value) => kind switch
    {
        FixValueKind.Int => FixValues.TryParseLong(value, out _),
        FixValueKind.Decimal => IsDecimal(value),
        FixValueKind.Char => value.Length == 1,
        FixValueKind.Boolean => value.Length == 1 && (value[0] == (byte)'Y' || value[0] == (byte)'N'),
        FixValueKind.UtcTimestamp => FixValues.TryParseTimestamp(value, out _),
        FixValueKind.UtcTimeOnly => IsTimeOnly(value),
        FixValueKind.Date => value.Length == 8 && AllDigits(value),
        FixValueKind.MonthYear => value.Length is 6 or 8 && AllDigits(value[..6]),
        _ => true,
    };

    private static bool IsDecimal(ReadOnlySpan<byte> value)
    {
        int i = value[0] == (byte)'-' ? 1 : 0;
        bool digits = false, point = false;
        for (; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == (byte)'.' && !point) point = true;
            else if ((uint)(b - '0') <= 9) digits = true;
            else return false;
        }
        return digits;
    }

    private static bool IsTimeOnly(ReadOnlySpan<byte> v) =>
        v.Length >= 8 && v[2] == (byte)':' && v[5] == (byte)':' && AllDigits(v[..2]) && AllDigits(v[3..5]) && AllDigits(v[6..8])
        && (v.Length == 8 || (v[8] == (byte)'.' && v.Length > 9 && AllDigits(v[9..])));

    private static bool AllDigits(ReadOnlySpan<byte> v)
    {
        foreach (byte b in v)
        {
            if ((uint)(b - '0') > 9) return false;
        }
        return true;
    }

    private void NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seen);
            _stamp = 1;
        }
        if (_seenHigh.Count > 0) _seenHigh.Clear();
    }

    private bool Seen(int tag) => tag < _seen.Length ? _seen[tag] == _stamp : _seenHigh.Contains(tag);

    private void MarkSeen(int tag)
    {
        if (tag < _seen.Length) _seen[tag] = _stamp;
        else _seenHigh.Add(tag);
    }
}
