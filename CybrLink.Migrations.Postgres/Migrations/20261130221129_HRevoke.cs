using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CybrLink.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class HRevoke : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
