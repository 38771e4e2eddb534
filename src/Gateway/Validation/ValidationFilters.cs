using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Errors;

namespace OrleansSafety.Gateway.Validation;

public static class ValidationFilters
{
    /// <summary>
    /// Checks every route value as an identifier (all of the API's route parameters are ids), so that no grain is
    /// ever addressed by a malformed key.
    /// </summary>
    public static TBuilder ValidateRouteIds<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            RequestErrors? errors = null;
            foreach (var (name, value) in context.HttpContext.Request.RouteValues)
            {
                if (value is string id && !Identifiers.IsValid(id))
                {
                    errors ??= new RequestErrors();
                    errors.OptionalId(name, id);
                }
            }
            return errors is null ? next(context) : ValueTask.FromResult<object?>(Problems.Validation(errors));
        });

    /// <summary>Runs the body DTO's own <see cref="IValidatableRequest.Validate"/> before the handler.</summary>
    public static RouteHandlerBuilder ValidateBody<TRequest>(this RouteHandlerBuilder builder) where TRequest : IValidatableRequest =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            var body = context.Arguments.OfType<TRequest>().FirstOrDefault();
            if (body is null)
            {
                return next(context);
            }
            var errors = new RequestErrors();
            body.Validate(errors);
            return errors.Any ? ValueTask.FromResult<object?>(Problems.Validation(errors)) : next(context);
        });

    public static ValidationProblem ToProblem(this RequestErrors errors) => Problems.Validation(errors);
}
