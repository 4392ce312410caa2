using System.Data.Common;
using System.Text;
using CybrLink.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CybrLink.Core.Demo;

/// <summary>
/// Inserts many rows of one entity type fast on SQLite and PostgreSQL: multi-row <c>INSERT … VALUES</c> statements over
/// plain ADO.NET, one transaction per <see cref="RowsPerTransaction"/> rows. Column names and value conversions (UTC
/// ticks, enums as text) come from the EF model, so the rows read back exactly as EF would have written them.
/// </summary>
internal sealed class DemoBulkWriter<T>(CybrLinkDbContext db, Action<string> progress) where T : class
{
    public const int RowsPerTransaction = 20_000;

    // Note: SQLite finds a named parameter by a linear scan of the statement's names, so a statement with thousands of
    // parameters costs quadratic time to bind; a few hundred keep binding cheap. PostgreSQL (Npgsql) has no such cost
    // and gains from fewer round trips.
    private int MaxParameters => _sqlite ? 400 : 20_000;

    private readonly bool _sqlite = db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";
    private readonly IReadOnlyList<IProperty> _columns = [.. db.Model.FindEntityType(typeof(T))!.GetProperties()];
    private readonly string _table = db.Model.FindEntityType(typeof(T))!.GetTableName()!;

    public async Task<int> WriteAsync(IEnumerable<T> rows, string label, int total, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var perStatement = Math.Max(1, Math.Min(500, MaxParameters / _columns.Count));
        await using var full = Command(connection, perStatement);
        var buffer = new List<T>(perStatement);
        var written = 0;
        DbTransaction? transaction = null;
        try
        {
            foreach (var row in rows)
            {
                transaction ??= await connection.BeginTransactionAsync(ct);
                buffer.Add(row);
                if (buffer.Count == perStatement)
                {
                    await ExecuteAsync(full, transaction, buffer, ct);
                    written += buffer.Count;
                    buffer.Clear();
                    if (written % RowsPerTransaction < perStatement)
                    {
                        await transaction.CommitAsync(ct);
                        await transaction.DisposeAsync();
                        transaction = null;
                        if (written % 100_000 < perStatement)
                        {
                            progress($"  {label}: {written:N0} / {total:N0}");
                        }
                    }
                }
            }

            if (buffer.Count > 0)
            {
                transaction ??= await connection.BeginTransactionAsync(ct);
                await using var rest = Command(connection, buffer.Count);
                await ExecuteAsync(rest, transaction, buffer, ct);
                written += buffer.Count;
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }

        progress($"  {label}: {written:N0} written");
        return written;
    }

    private DbCommand Command(DbConnection connection, int rows)
    {
        var sql = new StringBuilder($"INSERT INTO \"{_table}\" (")
            .AppendJoin(", ", _columns.Select(c => $"\"{c.GetColumnName()}\"")).Append(") VALUES ");
        var command = connection.CreateCommand();
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < _columns.Count; c++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{(r * _columns.Count) + c}";
                command.Parameters.Add(parameter);
                sql.Append(c == 0 ? "" : ", ").Append(parameter.ParameterName);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        return command;
    }

    private async Task ExecuteAsync(DbCommand command, DbTransaction transaction, List<T> rows, CancellationToken ct)
    {
        command.Transaction = transaction;
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < _columns.Count; c++)
            {
                command.Parameters[(r * _columns.Count) + c].Value = ToProvider(_columns[c], rows[r]);
            }
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private object ToProvider(IProperty property, T row)
    {
        var value = property.GetGetter().GetClrValue(row);
        if (value is null)
        {
            return DBNull.Value;
        }

        var converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
        value = converter is null ? value : converter.ConvertToProvider(value)!;
        // EF's SQLite provider stores a GUID as upper-case text.
        return _sqlite && value is Guid guid ? guid.ToString().ToUpperInvariant() : value;
    }
}
