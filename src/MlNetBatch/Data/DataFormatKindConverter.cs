using System.ComponentModel;
using System.Globalization;

namespace MlNetBatch.Data;

/// <summary>
/// Reads a <see cref="DataFormatKind"/> from its name, which is how configuration binds <c>Source:Format</c> and
/// <c>Sink:Format</c>. Any name converts: whether a format of that name is registered is the job validator's to say.
/// </summary>
public sealed class DataFormatKindConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string name ? new DataFormatKind(name) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc />
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        value is DataFormatKind kind && destinationType == typeof(string) ? kind.Name : base.ConvertTo(context, culture, value, destinationType);
}
