# Reference Kaplan–Meier numbers in R (survival) for tests/test_heros.py.
# Usage: Rscript tests/r/km_ci.R data.csv at out.csv
# data.csv has columns time, event; at is the time at which the survival and its interval are read.
# Log(-log) intervals (conf.type = "log-log"), Greenwood variance; the median's interval as R prints it.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); at <- as.numeric(args[2])
fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "log-log")
tab <- summary(fit)$table
s <- summary(fit, times = at)
out <- c(median = tab[["median"]], median_lower = tab[["0.95LCL"]], median_upper = tab[["0.95UCL"]],
         surv = s$surv, surv_lower = s$lower, surv_upper = s$upper)
writeLines(sprintf("%s,%.17g", names(out), out), args[3])
