# Reference fit of the mixture cure model in base R (optim) for tests/test_cure.py.
# Usage: Rscript tests/r/cure.R data.csv entry latency out.csv
# data.csv has columns time, event (0/1) and x (a binary cure covariate); entry is the common entry time;
# latency is weibull, lognormal or loglogistic. The model, written here from its definition and not from
# the Python code:
#   S(t | T > entry) = pi + (1 - pi) * Su(t) / Su(entry),  logit(pi) = g0 + g1 * x,
# with Su the latency survival; parameters (g0, g1, a, b), a and b on the log-time scale as in the
# Python module's LATENCIES. Writes key,value lines with 17 significant digits: estimates and standard
# errors (from the inverse of the numerical Hessian of the negative log-likelihood at the optimum).
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); entry <- as.numeric(args[2]); latency <- args[3]

log_su <- function(t, a, b) {
  if (latency == "weibull") return(-(t / exp(a))^exp(b))
  if (latency == "lognormal") return(pnorm((log(t) - a) / exp(b), lower.tail = FALSE, log.p = TRUE))
  -log1p((t / exp(a))^exp(b))                                          # log-logistic
}
log_fu <- function(t, a, b) {
  if (latency == "weibull") return(dweibull(t, shape = exp(b), scale = exp(a), log = TRUE))
  if (latency == "lognormal") return(dlnorm(t, meanlog = a, sdlog = exp(b), log = TRUE))
  k <- exp(b); z <- (t / exp(a))^k                                     # log-logistic density
  log(k) - a + (k - 1) * log(t / exp(a)) - 2 * log1p(z)
}
nll <- function(p) {
  pi <- plogis(p[1] + p[2] * d$x)
  s0 <- if (entry > 0) log_su(entry, p[3], p[4]) else 0
  log_s <- log(pi + (1 - pi) * exp(log_su(d$time, p[3], p[4]) - s0))
  log_f <- log(1 - pi) + log_fu(d$time, p[3], p[4]) - s0
  -sum(d$event * log_f + (1 - d$event) * log_s)
}
# a rough start of R's own: a quarter cured, latency centred on the median event time
start <- c(qlogis(0.25), 0, log(median(d$time[d$event == 1])), if (latency == "lognormal") log(0.5) else 0)
fit <- optim(start, nll, method = "BFGS", control = list(reltol = 1e-15, maxit = 5000, ndeps = rep(1e-6, 4)))
fit <- optim(fit$par, nll, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 20000))
fit <- optim(fit$par, nll, method = "BFGS", control = list(reltol = 1e-15, maxit = 5000, ndeps = rep(1e-6, 4)))
h <- optimHess(fit$par, nll, control = list(ndeps = rep(1e-4, 4)))
se <- sqrt(diag(solve(h)))
names <- c("g0", "g1", "a", "b")
out <- c(setNames(fit$par, paste0("est_", names)), setNames(se, paste0("se_", names)),
         loglik = -fit$value, convergence = fit$convergence)
writeLines(sprintf("%s,%.17g", names(out), out), args[4])
