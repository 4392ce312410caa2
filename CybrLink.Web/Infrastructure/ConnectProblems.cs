using CybrLink.Core.ConnectSessions;

namespace CybrLink.Web.Infrastructure;

public static class ConnectProblems
{
    public static int StatusOf(ConnectSessionProblem problem) => problem switch
    {
        ConnectSessionProblem.NotFound => StatusCodes.Status404NotFound,
        ConnectSessionProblem.NotConfirmed => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status410Gone,
    };

    public static string TitleOf(ConnectSessionProblem problem) => problem switch
    {
        ConnectSessionProblem.NotFound => "No such connect session.",
        ConnectSessionProblem.Expired => "The connect session has expired.",
        ConnectSessionProblem.AlreadyUsed => "The connect session was already used.",
        ConnectSessionProblem.Cancelled => "The connect session was cancelled.",
        _ => "Nango does not confirm that connection for this session.",
    };
}
