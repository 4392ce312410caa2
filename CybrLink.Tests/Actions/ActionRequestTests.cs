using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using CybrLink.Core.Actions;

namespace CybrLink.Tests.Actions;

/// <summary>What an agent's input becomes: refused with pointers, or a provider call that stays inside its template.</summary>
public sealed class ActionRequestTests
{
    private static readonly ActionCatalog Catalog = ActionCatalog.LoadEmbedded();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static ActionDefinition Action(string provider, string key) => Catalog.Find(provider, key)!;

    [Theory]
    [InlineData("[]")]
    [InlineData("\"to\"")]
    [InlineData("null")]
    public void An_input_that_is_not_an_object_is_one_error_at_the_root(string input)
    {
        var errors = Action("sandbox-mail", "send_message").ValidateInput(Json(input));

        var error = Assert.Single(errors);
        Assert.Equal("", error.Pointer);
        Assert.Throws<ActionInputException>(() => Action("sandbox-mail", "send_message").BuildRequest(Json(input)));
    }

    [Fact]
    public void Each_wrong_input_is_reported_at_its_pointer()
    {
        var errors = Action("sandbox-mail", "send_message").ValidateInput(Json("""{"to": 5, "subject": "Hi", "bcc": "x@example.com"}"""));

        Assert.Contains(errors, e => e.Pointer == "/to" && e.Message.Contains("string", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Pointer == "" && e.Message.Contains("\"body\"", StringComparison.Ordinal));
        var unknown = Assert.Single(errors, e => e.Pointer == "/bcc");
        Assert.Contains("\"bcc\" is not an input", unknown.Message);
        Assert.Contains("subject", unknown.Message);
    }

    [Fact]
    public void Nested_errors_point_inside_arrays()
    {
        var errors = Action("google-calendar", "create_event").ValidateInput(Json("""
            {"calendar_id": "primary", "summary": "x", "start": "2026-01-06T10:00:00+01:00", "end": "2026-01-06T11:00:00+01:00",
             "attendees": [{"email": "a@example.com"}, {"email": 1, "role": "x"}]}
            """));

        Assert.Contains(errors, e => e.Pointer == "/attendees/1/email");
        Assert.Contains(errors, e => e.Pointer == "/attendees/1/role");
        Assert.DoesNotContain(errors, e => e.Pointer.StartsWith("/attendees/0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_input_has_no_errors() =>
        Assert.Empty(Action("github", "create_issue").ValidateInput(Json("""{"owner": "o", "repo": "r", "title": "t", "labels": ["bug"]}""")));

    [Theory]
    [InlineData("../../admin", "/repos/..%2F..%2Fadmin/r/issues")]
    [InlineData("a/b", "/repos/a%2Fb/r/issues")]
    [InlineData("x?y=1#z", "/repos/x%3Fy%3D1%23z/r/issues")]
    [InlineData("%2e%2e", "/repos/%252e%252e/r/issues")]
    [InlineData("ü b", "/repos/%C3%BC%20b/r/issues")]
    public void A_path_parameter_is_one_encoded_segment_whatever_it_holds(string owner, string path)
    {
        var request = Action("github", "list_issues").BuildRequest(Json(JsonSerializer.Serialize(new { owner, repo = "r" })));

        Assert.Equal(path, request.Path);
        Assert.Equal(5, request.Path.Split('/').Length);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public void A_path_parameter_that_would_be_a_dot_or_empty_segment_is_refused(string owner)
    {
        var input = Json(JsonSerializer.Serialize(new { owner, repo = "r" }));

        Assert.Contains(Action("github", "list_issues").ValidateInput(input), e => e.Pointer == "/owner");
        var refused = Assert.Throws<ActionInputException>(() => Action("github", "list_issues").BuildRequest(input));
        Assert.Equal("/owner", Assert.Single(refused.Errors).Pointer);
    }

    [Fact]
    public void Integer_path_parameters_and_query_values_are_written_as_json_writes_them()
    {
        var request = Action("github", "list_issues").BuildRequest(Json("""{"owner": "o", "repo": "r", "state": "all", "labels": "bug,p 1", "per_page": 50}"""));

        Assert.Equal("state=all&labels=bug%2Cp%201&per_page=50", request.Query);
        Assert.Null(request.JsonBody);
        Assert.Equal("2022-11-28", request.Headers["X-GitHub-Api-Version"]);
        Assert.Equal("/repos/o/r/issues/7/comments",
            Action("github", "add_issue_comment").BuildRequest(Json("""{"owner": "o", "repo": "r", "issue_number": 7, "body": "x"}""")).Path);
    }

    [Fact]
    public void Query_templates_rename_inputs_add_fixed_values_and_leave_out_what_was_not_given()
    {
        var request = Action("google-calendar", "list_events").BuildRequest(Json("""{"calendar_id": "ada@example.com", "time_min": "2026-01-05T00:00:00Z"}"""));

        Assert.Equal("/calendar/v3/calendars/ada%40example.com/events", request.Path);
        Assert.Equal("timeMin=2026-01-05T00%3A00%3A00Z&singleEvents=true&orderBy=startTime", request.Query);
    }

    [Fact]
    public void Body_templates_nest_inputs_and_drop_parts_whose_inputs_are_absent()
    {
        var full = Action("jira", "create_issue").BuildRequest(Json("""
            {"cloud_id": "11223344-a1b2-3b33-c444-def123456789", "project_key": "PROJ", "summary": "S", "issue_type": "Bug", "description": "D"}
            """));
        var fields = Json(full.JsonBody!).GetProperty("fields");
        Assert.Equal("PROJ", fields.GetProperty("project").GetProperty("key").GetString());
        Assert.Equal("Bug", fields.GetProperty("issuetype").GetProperty("name").GetString());
        Assert.Equal("D", fields.GetProperty("description").GetProperty("content")[0].GetProperty("content")[0].GetProperty("text").GetString());

        var bare = Action("jira", "create_issue").BuildRequest(Json("""
            {"cloud_id": "11223344-a1b2-3b33-c444-def123456789", "project_key": "PROJ", "summary": "S", "issue_type": "Bug"}
            """));
        Assert.False(Json(bare.JsonBody!).GetProperty("fields").TryGetProperty("description", out _));

        var contact = Action("hubspot", "create_contact").BuildRequest(Json("""{"email": "a@example.com", "first_name": "Ada"}"""));
        Assert.Equal("""{"properties":{"email":"a@example.com","firstname":"Ada"}}""", contact.JsonBody);
    }

    [Fact]
    public void A_graphql_action_sends_its_fixed_document_with_the_inputs_as_variables()
    {
        var request = Action("linear", "create_issue").BuildRequest(Json("""{"team_id": "t1", "title": "Slow", "priority": 2}"""));

        Assert.Equal("POST", request.Method);
        Assert.Equal("/graphql", request.Path);
        var body = Json(request.JsonBody!);
        Assert.Equal(["query", "variables"], body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("mutation CreateIssue($team_id: String!", body.GetProperty("query").GetString());
        Assert.Equal("""{"team_id":"t1","title":"Slow","priority":2}""", body.GetProperty("variables").GetRawText());
    }

    [Fact]
    public void Gmail_send_builds_a_base64url_rfc2822_message_in_raw()
    {
        var request = Action("google-mail", "send_message").BuildRequest(Json("""
            {"to": "Ada <ada@example.com>", "cc": "bob@example.com", "subject": "Grüße aus Köln", "body": "Hallo Ada,\n.\nbis bald", "thread_id": "t-9"}
            """));

        var body = Json(request.JsonBody!);
        Assert.Equal("t-9", body.GetProperty("threadId").GetString());
        var raw = body.GetProperty("raw").GetString()!;
        Assert.DoesNotContain('+', raw);
        Assert.DoesNotContain('/', raw);
        Assert.DoesNotContain('=', raw);
        var message = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(raw));
        var (headers, content) = (message[..message.IndexOf("\r\n\r\n", StringComparison.Ordinal)], message[(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Contains("To: Ada <ada@example.com>\r\n", headers + "\r\n");
        Assert.Contains("Cc: bob@example.com\r\n", headers + "\r\n");
        Assert.Contains("Subject: =?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Grüße aus Köln")) + "?=", headers);
        Assert.Contains("Content-Type: text/plain; charset=\"UTF-8\"", headers);
        Assert.Equal("Hallo Ada,\n.\nbis bald", Encoding.UTF8.GetString(Convert.FromBase64String(content.Replace("\r\n", ""))));
    }

    [Theory]
    [InlineData("to", "ada@example.com\r\nBcc: eve@example.com")]
    [InlineData("subject", "Hi\nBcc: eve@example.com")]
    public void A_line_break_in_a_mail_header_input_is_refused(string field, string value)
    {
        var input = new Dictionary<string, string> { ["to"] = "ada@example.com", ["subject"] = "Hi", ["body"] = "x" };
        input[field] = value;
        var json = Json(JsonSerializer.Serialize(input));

        Assert.Contains(Action("google-mail", "send_message").ValidateInput(json), e => e.Pointer == $"/{field}" && e.Message.Contains("line break"));
        Assert.Throws<ActionInputException>(() => Action("google-mail", "send_message").BuildRequest(json));
    }

    [Fact]
    public void The_result_pointer_selects_the_useful_part_or_falls_back_to_the_whole_answer()
    {
        var labels = Action("google-mail", "list_labels");

        Assert.Equal("""[{"id":"INBOX"}]""", labels.SelectResult(Json("""{"labels":[{"id":"INBOX"}]}""")).GetRawText());
        Assert.Equal("""{"error":{"code":403}}""", labels.SelectResult(Json("""{"error":{"code":403}}""")).GetRawText());
        Assert.Equal("""{"messages":[]}""", Action("google-mail", "list_messages").SelectResult(Json("""{"messages":[]}""")).GetRawText());
        Assert.Equal("""{"id":"i1"}""", Action("linear", "get_issue").SelectResult(Json("""{"data":{"issue":{"id":"i1"}}}""")).GetRawText());
    }
}
