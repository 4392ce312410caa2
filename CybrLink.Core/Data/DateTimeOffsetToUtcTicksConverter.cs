using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CybrLink.Core.Data;

/// <summary>Stores instants as UTC ticks (a 64-bit integer): sortable and comparable on every provider.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
