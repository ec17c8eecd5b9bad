"""The afwegingskader engine: pure, vectorised NumPy functions. No I/O, no database, no web.

Contract (issue 3), shared by the engine modules, the CLI (`warmteregio assess`), storage and the web layer:

* Inputs are arrays over buurten (``BuurtInputs`` in :mod:`warmteregio.engine.inputs`), a strategy catalogue
  (:mod:`warmteregio.engine.strategies`) and a parameter set given as a plain mapping
  ``name -> value`` (loaded from versioned data files outside the engine).
* :func:`warmteregio.engine.assess.assess` returns a :class:`warmteregio.engine.assess.Results`: a table with
  one row per buurt x variant and columns as NumPy arrays. Column names follow PBL's output names where PBL
  computes the same thing, so the CSV contract of ``warmteregio assess`` is the table itself:

  ``BU_CODE``, ``strategie`` (PBL variant name, e.g. ``S4d_GG_D_HR``), ``zichtjaar``,
  ``K01_Enet_verzwaren`` ... ``K09_Gebouw_installatie``, ``K10_Kapitaallasten``, ``K11_Warmte_inkoop``,
  ``K12_Gas``, ``K13_Elektriciteit``, ``K14_OenM_gebouw``, ``K15_OenM_warmtenet``, ``K16_OenM_EGnet``,
  ``K17_Variabele_kosten``, ``K18_Variabele_meerkosten`` [EUR/yr, national prices excl. taxes],
  ``H15_CO2_uitstoot`` [t/yr], ``H16_Nat_meerkost`` [EUR/yr], ``H17_Nat_meerkost_CO2`` [EUR/t CO2 avoided],
  ``H18_Nat_meerkost_WEQ`` [EUR/WEQ/yr], energy use by carrier [GJ/yr] (``E_aardgas_gj``, ``E_groengas_gj``,
  ``E_waterstof_gj``, ``E_elektriciteit_gj``, ``E_mtwarmte_gj``, ``E_ltwarmte_gj``), ``CO2_vermeden_t``,
  and end-user costs per household type (columns prefixed ``EG_``, see :mod:`warmteregio.engine.enduser`).
"""
