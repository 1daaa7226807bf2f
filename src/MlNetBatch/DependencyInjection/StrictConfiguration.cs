using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MlNetBatch.DependencyInjection;

/// <summary>
/// Checks a configuration section against the options type it binds to and reports every unknown key and every value
/// that does not convert, each with its configuration path. The binder, even with <c>ErrorOnUnknownConfiguration</c>,
/// stops at the first problem and words it for developers.
/// </summary>
public static class StrictConfiguration
{
    /// <summary>The problems of <paramref name="section"/> read as <paramref name="type"/>, one line each, path first.</summary>
    public static IReadOnlyList<string> Check(IConfigurationSection section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        var problems = new List<string>();
        CheckNode(section, type, problems);
        return problems;
    }

    /// <summary>The keys of <paramref name="section"/> that are not among <paramref name="known"/> (compared as the binder does, ignoring case).</summary>
    public static IEnumerable<string> UnknownKeys(IConfigurationSection section, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(known);
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                yield return Unknown(child, known);
            }
        }
    }

    private static void CheckNode(IConfigurationSection section, Type type, List<string> problems)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        var target = nullable ?? type;
        var children = section.GetChildren().ToList();
        if (IsScalar(target))
        {
            if (children.Count > 0)
            {
                problems.Add($"{section.Path}: expects a single value ({Describe(target)}), not a section.");
            }
            else if (section.Value is { } value && !Converts(value, target, nullable is not null))
            {
                problems.Add($"{section.Path}: '{value}' is not {Describe(target)}.");
            }

            return;
        }

        // An empty JSON object or array arrives as an empty value; anything else where settings belong is a mistake.
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                problems.Add($"{section.Path}: expects a section of settings, not the value '{section.Value}'.");
            }

            return;
        }

        if (ElementType(target) is { } element)
        {
            foreach (var child in children)
            {
                CheckNode(child, element, problems);
            }

            return;
        }

        var properties = Properties(target);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckNode(child, property.PropertyType, problems);
            }
            else
            {
                problems.Add(Unknown(child, properties.Keys));
            }
        }
    }

    private static string Unknown(IConfigurationSection child, IReadOnlyCollection<string> known)
    {
        var closest = known.MinBy(k => Distance(k.ToUpperInvariant(), child.Key.ToUpperInvariant()));
        return closest is not null && Distance(closest.ToUpperInvariant(), child.Key.ToUpperInvariant()) <= 2
            ? $"{child.Path}: unknown setting '{child.Key}'; did you mean '{closest}'?"
            : $"{child.Path}: unknown setting '{child.Key}'; the settings here are {string.Join(", ", known)}.";
    }

    /// <summary>Whether the binder reads the type from one string (what it does for any type whose converter takes a string).</summary>
    private static bool IsScalar(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool Converts(string value, Type type, bool nullable)
    {
        if (type == typeof(string) || (nullable && value.Length == 0))
        {
            return true;
        }

        try
        {
            // The converter the binder itself uses, so that what passes here binds there.
            _ = TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        // Which names are registered is the job validator's to say; here only an empty name fails.
        _ when type == typeof(Data.DataFormatKind) => "a format name such as Parquet, Csv or JsonLines",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a time span such as 00:00:30",
        _ when type == typeof(char) => "a single character",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ => $"a valid {type.Name}",
    };

    /// <summary>The element type of a list or array, or the value type of a dictionary; null for other types.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        var generic = interfaces.Where(i => i.IsGenericType).ToList();
        var dictionary = generic.FirstOrDefault(i => i.GetGenericTypeDefinition() is var d
            && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>The settings the binder fills: public instance properties with a getter, by configuration key.</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
                properties.TryAdd(key, property);
            }
        }

        return properties;
    }

    /// <summary>Levenshtein distance, for "did you mean" on short setting names.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
