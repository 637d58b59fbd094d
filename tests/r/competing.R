# Reference competing-risks fits in R (cmprsk) for tests/test_competing.py.
# Usage: Rscript tests/r/competing.R data.csv times.csv out.csv
# data.csv has columns time, cause (0 censored, 1, 2), x1, x2; times.csv a column t.
# Writes key,value lines with 17 significant digits.
suppressPackageStartupMessages(library(cmprsk))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); at <- read.csv(args[2])$t
out <- list()
put <- function(key, value) out[[key]] <<- value
ci <- cuminc(d$time, d$cause, cencode = 0)
for (k in 1:2) {
  est <- timepoints(ci, at)$est[k, ]
  for (i in seq_along(at)) put(sprintf("cif_%d_%d", k, i), est[[i]])
}
# gtol tightened from 1e-6 so the reference is converged to the precision compared
f <- crr(d$time, d$cause, cbind(d$x1, d$x2), failcode = 1, cencode = 0, gtol = 1e-13, maxiter = 100)
put("fg_coef_x1", f$coef[[1]]); put("fg_coef_x2", f$coef[[2]])
writeLines(sprintf("%s,%.17g", names(out), unlist(out)), args[3])
